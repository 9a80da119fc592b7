"""What owners review: dashboard figures, statistics, reminders and recalls.
"""
