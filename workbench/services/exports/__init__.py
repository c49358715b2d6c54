"""Files for people outside the workbench: documents as Markdown, HTML, Word and PDF with their
approval block, publishing, the register and the risk register as CSV or Excel, and the audit
pack.

May import every other domain package.
"""
