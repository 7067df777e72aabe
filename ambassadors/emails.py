"""Sample data for the staff preview of each Care Maker email."""

STATEMENT = (
    "I want to show students on my ward that kindness and skill go together. I would run short "
    "huddles on the 6Cs & share what works <b>every</b> month."
)

PREVIEWS = {
    "care-makers-endorsement": lambda: {
        "manager_name": "Jo Manager",
        "applicant_name": "Amara Okafor",
        "who": "a nurse in London",
        "organisation": "St Luke's Hospital Trust",
        "chosen_c": "Compassion",
        "statement": STATEMENT,
        "endorse_path": "/care-makers/endorse/sample-token/",
        "reminder": False,
    },
    "care-makers-outcome": lambda: {
        "name": "Amara",
        "approved": True,
        "reason": "",
        "note": "Welcome aboard: your lead will be in touch about the next regional meet-up.",
        "number": 1024,
        "profile_path": "/care-makers/my-profile/",
        "apply_path": "/care-makers/",
    },
    "care-makers-eligibility-opened": lambda: {
        "name": "Harpreet",
        "role": "Doctor",
        "sector": "Mental health",
        "apply_path": "/care-makers/apply/",
    },
    "care-makers-recommit": lambda: {
        "name": "Femi",
        "number": 42,
        "recommit_path": "/care-makers/recommit/sample-token/",
        "days": 30,
    },
    "care-makers-lapsed": lambda: {
        "name": "Femi",
        "number": 42,
        "asked_on": "3 October 2026",
        "recommit_path": "/care-makers/recommit/sample-token/",
    },
    "care-makers-story-published": lambda: {
        "name": "Mei",
        "title": "Ten minutes that changed a discharge",
        "story_path": "/care-makers/stories/1/",
    },
    "care-makers-story-rejected": lambda: {
        "name": "Femi",
        "title": "Listening at <3am>",
        "reason": "Contains patient information",
        "explanation": "It included details that could identify a patient or someone receiving care.",
        "new_story_path": "/care-makers/stories/new/",
    },
}
