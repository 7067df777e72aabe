"""Version 1 of the statements and tasks, loaded by migration 0002.

Frozen: the migration reads this at migrate time, so never edit it to change live
wording. Change wording in the admin, or publish a new version.
"""

# (number, title, text, [tasks])
EMPLOYER = [
    (
        1,
        "Recruit for values",
        "We look for people whose values fit caring work, not only for skills and experience, and we test for those values when we recruit.",
        [
            "Add questions about kindness, respect and honesty to every interview",
            "Invite someone who uses our service to help interview candidates",
            "Describe our values plainly in every job advert",
            "Give candidates a paid trial shift and ask the people they supported for feedback",
        ],
    ),
    (
        2,
        "A thorough induction for everyone",
        "Every new starter has a planned induction that prepares them for the work before they do it alone, with time to shadow experienced colleagues.",
        [
            "Write an induction plan with named tasks for each week of the first three months",
            "Pair every new starter with an experienced buddy for their first month",
            "Start every new care worker on the Care Certificate within twelve weeks",
        ],
    ),
    (
        3,
        "Learning and development on time",
        "Staff get the training and development they need when they need it, and we keep a record of who has done what.",
        [
            "Keep a training record for every member of staff and check it each quarter",
            "Agree a personal development plan with each member of staff every year",
            "Set aside paid time each month for learning",
            "Support at least one member of staff through a recognised qualification",
        ],
    ),
    (
        4,
        "Encourage staff to commit and meet their standards",
        "We encourage every member of staff to make their own commitment and help them meet the codes and standards that apply to their role.",
        [
            "Explain the employee commitment at a team meeting and share our invitation link",
            "Name a champion who can sign up colleagues without an email address",
            "Put our codes of conduct where every member of staff can read them",
        ],
    ),
    (
        5,
        "Take responsibility for values and behaviour",
        "We take responsibility for how our staff behave and treat people, including fair treatment, equality, diversity and inclusion, and we make it safe to speak up.",
        [
            "Review our equality, diversity and inclusion policy with staff",
            "Make sure every member of staff knows how to raise a concern in confidence",
            "Talk about a real example of dignity in care at each team meeting",
        ],
    ),
    (
        6,
        "Watch skills and behaviour and give feedback",
        "Managers observe how staff work, give honest feedback and agree together what to improve.",
        [
            "Hold regular one-to-one supervision with every member of staff",
            "Observe practice on shift and talk it through afterwards",
            "Ask people who use our service and their families for feedback about staff",
        ],
    ),
    (
        7,
        "Help staff put their commitment into practice",
        "We give staff the time, tools and encouragement to carry out the tasks they choose, and we notice and celebrate what they achieve.",
        [
            "Review each member of staff's chosen tasks at supervision",
            "Recognise staff achievements in a newsletter or at team meetings",
            "Give staff protected time to work on their chosen tasks",
        ],
    ),
]

EMPLOYEE = [
    (
        1,
        "Work responsibly",
        "I do my job carefully and honestly, I follow agreed ways of working, and I ask for help when I am unsure.",
        [
            "Read my organisation's policies on safe practice and ask about anything unclear",
            "Tell my manager straight away when I make a mistake or see a risk",
            "Keep my records accurate and up to date at the end of each shift",
        ],
    ),
    (
        2,
        "Uphold dignity",
        "I treat every person I support as an individual, with respect for their choices, their privacy and their dignity.",
        [
            "Ask people how they like to be addressed and use that name",
            "Knock and wait before entering someone's room",
            "Offer choices at every meal and every time I help someone dress",
        ],
    ),
    (
        3,
        "Work well with others",
        "I work as part of a team with colleagues, families and other professionals, and I share what I know to help people get good care.",
        [
            "Give a clear handover at the end of every shift",
            "Offer to help a new colleague in their first weeks",
            "Involve families in decisions when the person I support wants that",
        ],
    ),
    (
        4,
        "Communicate clearly",
        "I listen, I explain things in ways people understand, and I check that I have been understood.",
        [
            "Learn how each person I support communicates best and note it in their care plan",
            "Use plain words and check understanding before I give care",
            "Learn a few signs or phrases that help someone I support",
        ],
    ),
    (
        5,
        "Protect privacy",
        "I keep what I learn about people confidential and share it only when it helps their care or keeps them safe.",
        [
            "Complete my organisation's information governance training",
            "Never discuss the people I support in public places or on social media",
            "Lock away or log out of records whenever I step away",
        ],
    ),
    (
        6,
        "Keep learning",
        "I keep my knowledge and skills up to date and I reflect on my work so I keep getting better.",
        [
            "Finish the Care Certificate or a refresher module this year",
            "Write a short reflection after a shift that taught me something",
            "Ask for feedback from my supervisor on one part of my practice",
        ],
    ),
    (
        7,
        "Treat people fairly",
        "I treat everyone fairly, whatever their background, beliefs or needs, and I speak up when I see someone treated unfairly.",
        [
            "Find out how to raise a concern at work and who to speak to",
            "Learn about the cultures and beliefs of the people I support",
            "Challenge language or behaviour that puts someone down",
        ],
    ),
]
