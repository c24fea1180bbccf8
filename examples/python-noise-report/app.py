"""Noise report: a citizen reports a noise nuisance — what makes it, when, where. The service
opens a case for the environment department and counts the reports per street in its store; from
the city's `repeat-threshold` on, a new report about the same street is raised to high priority.
"""
from typing import List

from wit_world import exports
from wit_world.imports import config, log, store
from wit_world.imports.types import (
    CaseDraft, CaseEvent, Choice, Datatype_SingleValueList, Datatype_Text, Field, FieldError,
    Need, Outcome, Outcome_Opened, Priority, ServiceDescription, Submission,
)

SOURCES = {
    "en": [("music", "Music"), ("building-works", "Building works"), ("traffic", "Traffic"),
           ("other", "Something else")],
    "nl": [("music", "Muziek"), ("building-works", "Bouwwerkzaamheden"), ("traffic", "Verkeer"),
           ("other", "Iets anders")],
}
TEXT = {
    "en": {
        "name": "Report noise",
        "description": "Tell the city about a noise nuisance: what makes it, when, and where.",
        "source": "What makes the noise?",
        "when": "When does it happen?",
        "when-help": "Days and hours, such as 'every night after 23:00'.",
        "when-short": "Say when it happens, in a few words.",
        "notice": "Thank you: the environment team will look into it.",
    },
    "nl": {
        "name": "Geluidsoverlast melden",
        "description": "Meld geluidsoverlast: wat het geluid maakt, wanneer en waar.",
        "source": "Wat maakt het geluid?",
        "when": "Wanneer is het?",
        "when-help": "Dagen en uren, zoals 'elke nacht na 23:00'.",
        "when-short": "Zeg in een paar woorden wanneer het is.",
        "notice": "Dank u: het milieuteam kijkt ernaar.",
    },
}


def language_of(language: str) -> str:
    return "nl" if language.startswith("nl") else "en"


def answer(submission: Submission, code: str) -> str:
    for field in submission.fields:
        if field.code == code and field.values:
            return field.values[0]
    return ""


def street_of(submission: Submission) -> str:
    """The street of the address ('Market Square 12' -> 'market square'), or the rounded point."""
    location = submission.location
    if location is not None and location.address:
        words = [w for w in location.address.lower().replace(",", " ").split() if not w[0].isdigit()]
        return " ".join(words)[:100]
    if location is not None and location.latitude is not None and location.longitude is not None:
        return f"{location.latitude:.3f},{location.longitude:.3f}"
    return "unknown"


class Service(exports.Service):
    def describe(self, language: str) -> ServiceDescription:
        lang = language_of(language)
        text = TEXT[lang]
        return ServiceDescription(
            code="noise-report",
            name=text["name"],
            description=text["description"],
            group="Environment",
            keywords=["noise", "nuisance"],
            department="environment",
            sla_hours=120,
            fields=[
                Field(code="source", label=text["source"], help="", required=True, order=1,
                      datatype=Datatype_SingleValueList([Choice(k, n) for k, n in SOURCES[lang]])),
                Field(code="when", label=text["when"], help=text["when-help"], required=True,
                      order=2, datatype=Datatype_Text()),
            ],
            location=Need.REQUIRED,
            contact=Need.OPTIONAL,
            language=lang,
        )

    def validate(self, submission: Submission) -> List[FieldError]:
        if len(answer(submission, "when").strip()) < 3:
            return [FieldError(code="when", message=TEXT[language_of(submission.language)]["when-short"])]
        return []

    def submit(self, submission: Submission) -> Outcome:
        lang = language_of(submission.language)
        source = answer(submission, "source")
        street = street_of(submission)
        key = f"street/{street}"
        count = int((store.get(key) or b"0").decode()) + 1
        store.set(key, str(count).encode())
        threshold = int(config.get("repeat-threshold") or "3")
        repeated = count >= threshold
        if repeated:
            log.write(log.Level.INFO, f"report {count} about {street}: raised to high priority")
        names = dict(SOURCES[lang])
        return Outcome_Opened(CaseDraft(
            title=f"Noise ({names.get(source, source)}): {street}",
            description=f"{answer(submission, 'when')}\n\n{submission.description or ''}".strip(),
            priority=Priority.HIGH if repeated else Priority.NORMAL,
            location=submission.location,
            department=None,
            due=None,
            notice=TEXT[lang]["notice"],
        ))

    def on_case_event(self, event: CaseEvent) -> None:
        pass

    def tick(self, now: int) -> None:
        pass
