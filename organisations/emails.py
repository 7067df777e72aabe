"""Sample data for the staff email preview, one entry per email kind this app sends."""

PREVIEWS = {
    "organisation-verified": lambda: {
        "name": "Isla",
        "organisation": "Oak Lodge Care Home",
        "commit_path": "/social-care-commitment/organisations/oak-lodge-care-home/commit/",
        "dashboard_path": "/social-care-commitment/organisations/oak-lodge-care-home/dashboard/",
    },
    "organisation-access-request": lambda: {
        "organisation": "Oak Lodge Care Home",
        "requester": "Uzma Ali",
        "requester_email": "uzma.ali@example.org",
        "job_title": "Deputy manager",
        "message": "I lead training at Oak Lodge and would like to help track our tasks.",
        "review_path": "/social-care-commitment/access-requests/1/",
    },
    "organisation-task-due": lambda: {
        "preview_category": "reminders",
        "name": "Isla",
        "organisation": "Oak Lodge Care Home",
        "task": "Pair every new starter with an experienced buddy for their first month",
        "statement_number": 2,
        "target_date": "30 November 2026",
        "dashboard_path": "/social-care-commitment/organisations/oak-lodge-care-home/dashboard/",
    },
    "organisation-task-overdue": lambda: {
        "preview_category": "reminders",
        "name": "Isla",
        "organisation": "Oak Lodge Care Home",
        "task": "Hold regular one-to-one supervision with every member of staff",
        "statement_number": 6,
        "target_date": "1 November 2026",
        "dashboard_path": "/social-care-commitment/organisations/oak-lodge-care-home/dashboard/",
    },
    "organisation-renewal-due": lambda: {
        "preview_category": "reminders",
        "name": "Isla",
        "organisation": "Oak Lodge Care Home",
        "renewal_due_on": "15 December 2026",
        "dashboard_path": "/social-care-commitment/organisations/oak-lodge-care-home/dashboard/",
    },
    "organisation-unverified": lambda: {
        "organisation": "Fenland Home Care",
        "type": "Home care agency",
        "town": "Wisbech",
        "cqc_provider_id": "1-123456789",
        "ods_code": "",
        "registered_on": "18 November 2026",
        "days": 5,
        "admin_path": "/admin/organisations/organisation/1/change/",
    },
}
