PREVIEWS = {
    "moderation-backlog": lambda: {
        "breaches": [
            {"queue": "Held pledges", "key": "held-pledges", "count": "12", "oldest_hours": 31},
            {"queue": "Reported", "key": "reported", "count": "more than 50", "oldest_hours": 4},
        ],
        "hours": 24,
    },
}
