"""A citizen's and a staff member's journeys, through a client generated from Carmen's live OpenAPI
document by openapi-python-client (the package `carmen_client` on PYTHONPATH).

Usage: journeys.py BASE_URL CITY STAFF_EMAIL PASSWORD [ADMIN_EMAIL]
Exits non-zero, saying why, at the first answer that is not what the document promised.
"""

import sys

from carmen_client import AuthenticatedClient, Client
from carmen_client.api.admin import delivery_settings, set_delivery_settings
from carmen_client.api.citizens import accept, me, message, my_requests, register
from carmen_client.api.people import city_sign_in
from carmen_client.api.public import describe_service, list_services, read_request, submit_request
from carmen_client.api.staff import change_status, post_message, queue, read_case
from carmen_client.models import (
    CitizenMessage,
    DeliverySettings,
    LocationView,
    NewMessage,
    NewRequest,
    NewRequestFields,
    QueuePage,
    Registration,
    RequestView,
    ServiceDetail,
    ServiceList,
    Session,
    SignIn,
    StatusChange,
    StatusName,
    UserView,
)


def expect(value, kind, what):
    if not isinstance(value, kind):
        sys.exit(f"{what}: expected {kind.__name__}, got {value!r}")
    return value


def main(base, city, staff_email, password, admin_email=None):
    anyone = Client(base_url=base)

    # The citizen finds the service and its form.
    services = expect(list_services.sync(city, client=anyone, lang="en"), ServiceList, "services")
    codes = [s.code for s in services.services]
    assert "street-issue" in codes, codes
    form = expect(describe_service.sync(city, "street-issue", client=anyone), ServiceDetail, "form")
    assert any(f.code == "category" for f in form.fields), form

    # Registers, signs in, reports a pothole, and reads it back.
    register.sync(city, client=anyone, body=Registration(
        name="Gen Client", email="gen.client@example.org", password=password))
    session = expect(city_sign_in.sync(city, client=anyone, body=SignIn(
        email="gen.client@example.org", password=password)), Session, "citizen sign-in")
    citizen = AuthenticatedClient(base_url=base, token=session.token)
    profile = expect(me.sync(city, client=citizen), UserView, "profile")
    assert profile.email == "gen.client@example.org", profile
    fields = NewRequestFields()
    fields["category"] = "pothole"
    filed = expect(submit_request.sync(city, "street-issue", client=citizen, body=NewRequest(
        fields=fields, description="Deep hole from the generated client",
        location=LocationView(address="Generator Street 1", latitude=52.1, longitude=5.1),
    )), RequestView, "submit")
    assert filed.status == "submitted" and filed.secret, filed
    mine = my_requests.sync(city, client=citizen)
    assert [r.id for r in mine.requests] == [filed.id], mine
    expect(message.sync(city, filed.id, client=citizen,
                        body=CitizenMessage(body="It is getting deeper")), object, "message")

    # Staff find it in the queue, open it, work it to resolved and reply.
    staff_session = expect(city_sign_in.sync(city, client=anyone, body=SignIn(
        email=staff_email, password=password)), Session, "staff sign-in")
    staff = AuthenticatedClient(base_url=base, token=staff_session.token)
    page = expect(queue.sync(city, client=staff, status=StatusName.SUBMITTED, per_page=50),
                  QueuePage, "queue")
    assert filed.id in [c.id for c in page.cases], page
    case = read_case.sync(city, filed.id, client=staff)
    assert case.contact is None or case.contact.email in (None, "gen.client@example.org"), case
    assert any(m.body == "It is getting deeper" for m in case.messages), case
    for status in (StatusName.ACKNOWLEDGED, StatusName.RESOLVED):
        moved = expect(change_status.sync(city, filed.id, client=staff, body=StatusChange(
            status=status, note=f"now {status}")), RequestView, f"move to {status}")
        assert moved.status == str(status), moved
    post_message.sync(city, filed.id, client=staff, body=NewMessage(body="Filled today"))

    # The citizen sees the reply and accepts the resolution.
    back = expect(read_request.sync(city, filed.id, client=citizen), RequestView, "read back")
    assert back.status == "resolved", back
    assert any(m.body == "Filled today" for m in back.messages), back
    closed = expect(accept.sync(city, filed.id, client=citizen), RequestView, "accept")
    assert closed.status == "closed", closed

    # The administrator configures delivery with its write-only secrets, which never come back.
    if admin_email:
        admin_session = expect(city_sign_in.sync(city, client=anyone, body=SignIn(
            email=admin_email, password=password)), Session, "administrator sign-in")
        admin = AuthenticatedClient(base_url=base, token=admin_session.token)
        answer = set_delivery_settings.sync_detailed(city, client=admin, body=DeliverySettings(
            reply_to="help@rivertown.example",
            sms_url="https://sms.example.org/send", sms_secret="gateway secret 0123456789",
            webhook_url="https://systems.example.org/carmen",
            webhook_secret="city systems secret 0123",
            inbound_secret="inbound secret 0123456789"))
        assert answer.status_code == 204, answer
        settings = expect(delivery_settings.sync(city, client=admin), DeliverySettings, "delivery")
        assert settings.sms_url == "https://sms.example.org/send", settings
        shown = settings.to_dict()
        assert not any(k.endswith("secret") for k in shown), shown
    print("journeys done")


if __name__ == "__main__":
    main(*sys.argv[1:6])
