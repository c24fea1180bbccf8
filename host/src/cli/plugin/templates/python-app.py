"""{{title}}: a Carmen city service. A citizen describes what they need and where; the service
opens a case for the city's staff.

The bindings (`wit_world`) come from `wit/`: your world, with exactly the capabilities in
`carmen.toml`. Build with `carmen plugin build`, try with `carmen plugin test`.
"""
from typing import List

from wit_world import exports
@log|from wit_world.imports import log
@store|from wit_world.imports import store
from wit_world.imports.types import (
    CaseDraft, CaseEvent, Datatype_String, Field, FieldError, Need, Outcome, Outcome_Opened,
    Priority, ServiceDescription, Submission,
)


def answer(submission: Submission, code: str) -> str:
    """The first answer to the field `code`, or ""."""
    for field in submission.fields:
        if field.code == code and field.values:
            return field.values[0]
    return ""


class Service(exports.Service):
    def describe(self, language: str) -> ServiceDescription:
        # Answer in the citizen's language where you have it; `language` is BCP 47 (`en`, `nl`...).
        dutch = language.startswith("nl")
        return ServiceDescription(
            code="{{name}}",
            name="{{title}} (nl)" if dutch else "{{title}}",
            description="Tell the city what you need and where; staff take it from there.",
            group="General",
            keywords=["{{name}}"],
            department="general",
            sla_hours=72,
            fields=[
                Field(code="what", label="Waar gaat het om?" if dutch else "What is it about?",
                      help="A few words are enough.", required=True, order=1,
                      datatype=Datatype_String()),
            ],
            location=Need.REQUIRED,
            contact=Need.OPTIONAL,
            language="nl" if dutch else "en",
        )

    def validate(self, submission: Submission) -> List[FieldError]:
        if len(answer(submission, "what").strip()) < 3:
            return [FieldError(code="what", message="Say in a few words what it is about.")]
        return []

    def submit(self, submission: Submission) -> Outcome:
        what = answer(submission, "what").strip()
@store|        # The store is this service's own, in this city: count the requests so far.
@store|        count = int((store.get("requests") or b"0").decode()) + 1
@store|        store.set("requests", str(count).encode())
@log|        log.write(log.Level.INFO, f"a new request: {what}")
        return Outcome_Opened(CaseDraft(
            title=f"{{title}}: {what}",
            description=submission.description or "",
            priority=Priority.NORMAL,
            location=submission.location,
            department=None,
            due=None,
            notice="Thank you: the city's staff will look at it.",
        ))

    def on_case_event(self, event: CaseEvent) -> None:
        pass

    def tick(self, now: int) -> None:
        pass
