"""Sample data for the staff email preview, one entry per email kind this app sends."""

PREVIEWS = {
    "pledge-confirm": lambda: {
        "name": "Sam",
        "text": "I will learn the name of everyone on my ward, including the night team.",
        "campaign": "Change Day 2027",
        "is_join": False,
        "confirm_url": "http://127.0.0.1:8000/pledges/confirm/sample-token/",
        "expires_days": 7,
        "manage_url": "http://127.0.0.1:8000/pledges/manage/sample-token/",
    },
    "pledge-nudge": lambda: {
        "preview_category": "reminders",
        "name": "Sam",
        "text": "I will learn the name of everyone on my ward, including the night team.",
        "campaign": "Change Day 2027",
        "confirm_url": "http://127.0.0.1:8000/pledges/confirm/sample-token/",
    },
    "pledge-followup": lambda: {
        "preview_category": "reminders",
        "name": "Sam",
        "text": "I will learn the name of everyone on my ward, including the night team.",
        "campaign": "Change Day 2027",
        "manage_url": "http://127.0.0.1:8000/pledges/manage/sample-token/",
        "pledge_url": "http://127.0.0.1:8000/pledges/1/",
    },
    "pledge-outcome": lambda: {
        "preview_category": "reminders",
        "name": "Sam",
        "text": "I will learn the name of everyone on my ward, including the night team.",
        "campaign": "Change Day 2027",
        "done": True,
        "outcome_url": "http://127.0.0.1:8000/pledges/outcome/sample-token/",
        "pledge_url": "http://127.0.0.1:8000/pledges/1/",
    },
    "pledge-closing": lambda: {
        "preview_category": "reminders",
        "campaign": "Change Day 2027",
        "closes_on": "30 April 2027",
        "wall_url": "http://127.0.0.1:8000/pledges/",
        "new_url": "http://127.0.0.1:8000/pledges/new/",
    },
    "pledge-rejected": lambda: {
        "name": "Sam",
        "text": "I will check on Mrs B in bay 4 every morning.",
        "campaign": "Change Day 2027",
        "reason": "It could identify a patient",
        "explanation": "Pledges are public, so they must not name or describe a patient.",
        "new_url": "http://127.0.0.1:8000/pledges/new/",
    },
    "pledge-links": lambda: {
        "name": "Sam",
        "pledges": [
            {
                "text": "I will learn the name of everyone on my ward, including the night team.",
                "campaign": "Change Day 2027",
                "status": "Published",
                "is_join": False,
                "manage_url": "http://127.0.0.1:8000/pledges/manage/sample-token/",
            },
            {
                "text": "I will thank a colleague by name at the end of every shift.",
                "campaign": "Change Day 2027",
                "status": "Published",
                "is_join": True,
                "manage_url": "http://127.0.0.1:8000/pledges/manage/another-sample-token/",
            },
        ],
        "data_url": "http://127.0.0.1:8000/my-account/your-data/sample-token/",
        "data_days": 7,
        "signup_url": "http://127.0.0.1:8000/account/signup/",
    },
}
