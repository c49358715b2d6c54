"""The planner pane: the month calendar, the agenda, the upcoming list, and the event, finding and
audit programme dialogs.
"""
