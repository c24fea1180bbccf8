# Carmen's web pages in English: the reference catalogue. Every other language has exactly these ids.

site-name = Carmen
skip-to-content = Skip to main content
language-switcher = Language
powered-by = Citizen services of { $city }, hosted by Carmen

services-title = Services of { $city }
services-lead = What can we help you with? Choose a service to report a problem or to ask for something.
services-search-label = Search the services
services-search-button = Search
services-search-results = Services matching “{ $query }”
services-none = No service matches your search.
services-none-installed = This city offers no services online yet.
services-show-all = Show all services
services-public-requests = See what others have reported

form-required = (required)
form-optional = (optional)
form-submit = Send
form-errors-title = There is a problem
form-errors-lead = Check what is marked below and send again.
form-description = Tell us more
form-description-help = Anything that helps the city understand the request.
form-location = Where is it?
form-address = Address
form-address-help = A street and house number, or a place the city can find.
form-latitude = Latitude
form-longitude = Longitude
form-coordinates-help = If you know them: decimal degrees, such as 45.4642 and 9.1900.
form-contact = How can the city reach you?
form-contact-help = The city uses these only for this request. They are never shown publicly.
form-name = Name
form-email = E-mail address
form-phone = Phone number
form-choose = Choose one
form-choose-many = Choose all that apply
form-back = Back to the services
form-public-note = Requests to this service are public: what you write here, except your contact details, can be seen by anyone.
form-private-note = Requests to this service are private: only you and the city's staff can see them.

submitted-title = Your request has been sent
submitted-reference = Your reference number is
submitted-answer = The answer
submitted-follow = Follow your request
submitted-follow-lead = Keep this link: it is the only way to follow your request without an account. Anyone with the link can read it.
submitted-open-link = Open my request
submitted-another = Make another request

request-title = Request { $id }
request-service = Service
request-status = Status
request-filed = Sent on
request-updated = Last updated
request-due = Expected by
request-where = Where
request-details = Details
request-timeline = What has happened
request-messages = Messages
request-no-messages = No messages yet.
request-from-city = From the city
request-from-you = From you
request-public = This request is public.
request-private = This request is private: only you and the city's staff can see it.
request-duplicate = This is a duplicate of request { $id }.

timeline-submitted = Sent
timeline-changed = Status changed to “{ $status }”

status-submitted = Sent
status-acknowledged = Received
status-in-progress = In progress
status-resolved = Resolved
status-closed = Closed
status-rejected = Not taken up
status-duplicate = Duplicate

public-title = What others have reported in { $city }
public-lead = Public requests, newest first. Contact details and private answers are never shown.
public-none = Nothing has been reported publicly yet.
public-view = View

error-title = Something went wrong
error-not-found = This page does not exist.
error-not-found-city = There is no city at this address.
error-csrf = This form has expired or did not come from this site. Go back, reload the page and send it again: nothing was sent.
error-busy = The service is busy right now. Try again in a moment: nothing was sent.
error-failed = The service could not take your request. Try again later: nothing was sent.
error-service-fault = This service has a fault and cannot take requests for now: trying again will not help until the city has fixed it. Nothing was sent.
city-moved = { $city } has moved: its services, and your requests, are now at
error-back = Go to the services

follow-write = Write to the city
follow-write-label = Your message
follow-write-send = Send message
follow-resolved-title = The city says this is resolved
follow-resolved-lead = If you agree, accept the resolution. If not, tell the city why and the request is reopened.
follow-accept = Accept the resolution
follow-reject-label = Why is it not resolved?
follow-reject = It is not resolved
follow-rate-title = How satisfied are you?
follow-rate-lead = Rate how the city handled your request, from 1 (very dissatisfied) to 5 (very satisfied).
follow-rate-score = Your rating
follow-rate-comment = Anything else you want to tell the city?
follow-rate-send = Send rating
follow-rated = You rated this { $score } out of 5. Thank you.
rating-1 = 1 – very dissatisfied
rating-2 = 2 – dissatisfied
rating-3 = 3 – neither satisfied nor dissatisfied
rating-4 = 4 – satisfied
rating-5 = 5 – very satisfied
error-invalid = This could not be done: { $reason }

console-title = City console
console-sign-in = Sign in
console-sign-in-title = Sign in to the console of { $city }
console-email = E-mail address
console-password = Password
console-sign-in-failed = The e-mail address or the password is wrong.
console-sign-out = Sign out
console-signed-in-as = Signed in as { $role }
console-not-staff = Only staff of this city can use its console.
console-queue = Cases
console-filter = Filter
console-filter-status = Status
console-filter-any = Any
console-filter-department = Department
console-filter-service = Service
console-filter-text = Text
console-filter-overdue = Overdue only
console-filter-apply = Apply filters
console-total = { $total ->
    [one] { $total } case
   *[other] { $total } cases
}
console-none = No case matches.
console-overdue = Overdue
console-page-previous = Previous page
console-page-next = Next page
console-case-title = Case { $id }
console-contact = Contact
console-no-contact = No contact details.
console-department = Department
console-assignee = Assigned to
console-unassigned = Nobody
console-history = History
console-thread = Thread
console-internal = Internal note
console-change-status = Change the status
console-new-status = New status
console-status-note = Note for the citizen
console-duplicate-of = Duplicate of case number
console-change = Change status
console-reply = Reply or note
console-reply-body = Message
console-reply-internal = Internal note (the citizen does not see it)
console-reply-send = Send
console-assign = Assign
console-assign-to = Staff member number
console-assign-send = Assign
console-back = Back to the cases
console-rating = The citizen's rating

market-title = Service marketplace
market-lead = Services published by other cities. Install one and your citizens can use it at once.
market-search-label = Search the marketplace
market-search = Search
market-none = No service matches.
market-more = More services
market-no-registry = This host has no shared registry configured.
market-installed = Installed: version { $version }
market-publisher = Published by { $publisher } ({ $city })
market-key = Signing key fingerprint
market-cities = Cities that run it
market-no-cities = No city has reported running it yet.
market-versions = Versions
market-version = Version
market-published = Published
market-contract = Contract
market-yanked = withdrawn
market-deprecated = deprecated: { $message }
market-asks = What it may do
market-asks-nothing = It asks for no capability.
market-approve = I allow it to: { $capability }
market-settings = Settings
market-report = Tell the registry that { $city } runs it (no personal data)
market-install = Install
market-upgrade = Upgrade to { $version }
market-upgrade-new = The new version also asks to:
market-hosts = Hosts it calls
market-hosts-lead = It sends requests only to these hosts. A name in ‹angle quotes› is a setting you fill in below; the host you write there is the one it calls.
market-approve-hosts = I approve its requests to these hosts: { $hosts }
market-rollback = Go back to the previous version
market-uninstall = Uninstall
market-not-admin = Only an administrator of the city can install, upgrade or remove services.
market-done = Done.
capability-cases = open cases, read them and change their status
capability-store = keep its own data (such as bookings)
capability-notify = send messages to citizens
capability-config = read the settings the city gives it
capability-log = write to the city's technical log
capability-clock = know the current date and time
capability-requester = recognise who sends a request (as an anonymous identifier)
capability-http = call the city's own applications at the hosts approved for it
console-marketplace = Marketplace

account-title = Your account
account-link = Your account
account-register = Create an account
account-register-lead = With an account you see all your requests in one place and the city can remind you before something is due.
account-name = Your name
account-email = E-mail address
account-phone = Phone number (optional)
account-password = Password (at least { $min } characters)
account-consent = The city may contact me before I ask, for example to remind me before a document expires.
account-registered = If this address can be used, we have sent a code to it. Sign in and enter the code to confirm it.
account-sign-in = Sign in
account-sign-in-lead = Sign in to see your requests.
account-sign-in-failed = The e-mail address or the password is wrong.
account-sign-out = Sign out
account-verified = confirmed
account-not-verified = not confirmed yet
account-verify = Confirm your contact details
account-verify-channel = What are you confirming?
account-code = The code we sent you
account-verify-send = Confirm
account-resend = Send the codes again
account-requests = Your requests
account-no-requests = You have not sent any request yet.
account-requests-older = Older requests
account-export = Download your data
account-export-lead = Everything the city keeps about you, as a file.
account-erase = Delete your account
account-erase-lead = Your account and your contact details are deleted, and the city's services forget you. Your requests stay, without your name.
account-erase-confirm = I understand: delete my account
account-erased = Your account has been deleted.
account-erased-services = These services forgot you: { $services }
account-erased-pending = These services will forget you as soon as they can: { $services }

org-title = Organisations
org-lead = A business or an association you act for: its requests are shared by all its representatives.
org-none = You do not act for any organisation.
org-create = Register an organisation
org-name = Name of the organisation
org-kind = What is it?
org-business = A business
org-association = An association
org-owner = owner
org-representatives = Representatives
org-add = Invite a representative
org-add-email = Their e-mail address (the one they confirmed on their account here)
org-add-send = Invite
org-invited = Invitation sent. Whoever confirmed this address on their account here will find it on their account page; they become a representative when they accept it.
org-pending = Invited, waiting for an answer
account-invitations = Invitations
account-invitation = { $name } invites you to act on its behalf.
invitation-accept = Accept
invitation-decline = Decline
org-requests = Requests made for { $name }
org-no-requests = No request has been made for this organisation yet.
org-export = Download the organisation's data
org-erase = Delete the organisation
org-erase-lead = The organisation, its representatives and the contact details on its requests are deleted. The requests stay, without them.
org-erase-confirm = I understand: delete the organisation
org-erased = The organisation has been deleted.
org-on-behalf = On behalf of
org-myself = Myself

admin-title = City administration
admin-faults-title = Services with a fault
admin-faults-lead = These services fail when they are called: citizens are told the service has a fault. Roll back or upgrade them in the marketplace, or ask their publisher for a fix.
admin-fault-seen = failed { $count } times, from { $since } to { $last }
admin-only = Only an administrator of the city can change this.
admin-settings = Settings
admin-reopen-days = Days a citizen has to reject a resolution
admin-messages-per-day = Most messages the city's services may send in a day
admin-public-location = Show where public requests are
admin-save = Save
admin-departments = Departments
admin-department-code = Code (letters, digits and dashes)
admin-department-name = Name
admin-department-add = Add the department
admin-routes = Routing
admin-routes-lead = Cases of a service (and of one category of it) go to a department.
admin-route-service = Service
admin-route-category = Category (empty: every category)
admin-route-department = Department
admin-route-set = Set the route
admin-staff = Staff
admin-staff-role = Role
admin-staff-admin = Administrator
admin-staff-staff = Staff member
admin-staff-add = Add the person
admin-keys = API keys
admin-keys-lead = A key lets an application (such as an Open311 app) file requests for the city.
admin-key-label = What the key is for
admin-key-issue = Issue a key
admin-key-issued = The new key (shown this once: copy it now)
admin-key-id = Key identifier
admin-key-revoke = Revoke the key
admin-audit = Audit log
admin-audit-when = When
admin-audit-who = Who
admin-audit-what = What
admin-audit-object = On
admin-audit-older = Older entries
admin-saved = Saved.
console-administration = Administration
operator-title = Operator console
operator-sign-in = Sign in as the operator
operator-cities = Cities
operator-city-slug = Address (slug: lowercase letters, digits and dashes)
operator-city-name = Name of the city
operator-admin-name = Name of its first administrator
operator-admin-email = Their e-mail address
operator-admin-password = Their password (at least { $min } characters)
operator-create = Create the city
operator-health = Platform health
operator-health-cities = Cities
operator-health-installs = Installed services
operator-health-database = Database
operator-health-registry = Shared registry
operator-none = none

form-photos = Attach photos
form-photos-help = Up to 3 pictures (JPEG, PNG or WebP, at most 5 MB each). The city removes the camera's details, such as where the picture was taken.
request-photos = Photos
request-photo = Photo { $n }

form-map = Map: choose where it is
form-map-help = Tap or click the map to place the pin, or
admin-map-tiles = Map tiles (URL template with {"{"}z{"}"}, {"{"}x{"}"} and {"{"}y{"}"}; empty: no map)
admin-map-zoom = Map zoom (1 to 19)

home-title = Choose your city
home-lead = Each city offers its own services here.
cities-more = More cities
prefs-title = How the city contacts you
prefs-language = Language of messages
prefs-channel = Send messages by
prefs-channel-email = e-mail
prefs-channel-sms = text message
prefs-consent = The city may contact me before I ask, for example to remind me before a document expires.
prefs-save = Save preferences

mail-unsubscribe = To receive no more messages like this one, open
unsubscribe-title = Stop messages like this one
unsubscribe-lead = The city will send you no more messages you did not ask for. Messages about your own requests still reach you.
unsubscribe-confirm = Stop these messages
unsubscribe-done = Done: you will receive no more messages like this one.

survey-subject = How did we do with your request { $id }?
survey-body = Your request { $id } ({ $title }) has been resolved. How satisfied are you? Open the link of your answer:
survey-title = How satisfied are you?
survey-lead = Your answer helps the city improve this service.
survey-thanks = Thank you: your rating has been kept.

eval-title = How the services perform
eval-lead = Requests filed in the last 90 days: how many, how fast, how satisfied.
eval-service = Service
eval-volume = Requests
eval-first-response = First response (median)
eval-resolve = Resolved in (median / 90%)
eval-sla = On time
eval-reopen = Reopened
eval-satisfaction = Satisfaction
eval-messages = Messages sent / failed / stopped
eval-articles = Articles read / answered / filings avoided
eval-distribution = Ratings of { $service }: { $counts }
eval-none = No request in this period.
eval-csv = Download as CSV
console-evaluation = Evaluation

market-evidence = How it did in the cities that piloted it
market-no-evidence = No city has published its figures for it yet.
market-publish-evidence = Publish our figures for it (aggregated, no personal data)
market-city = City

check-no-such-field = this service has no such field
check-required = { $label } is required
check-one-value = takes one value
check-too-long = is longer than { $max } characters
check-not-number = “{ $value }” is not a number
check-not-date = “{ $value }” is not a date (YYYY-MM-DD)
check-not-choice = “{ $value }” is not one of: { $choices }
check-twice = lists a value twice
check-location-required = a location (coordinates or an address) is required
check-coordinates-range = latitude is -90 to 90 and longitude -180 to 180
check-coordinates-pair = give both latitude and longitude, or neither
check-contact-required = contact details (an e-mail address or a phone number) are required
check-email = this is not an e-mail address
check-phone = this is not a phone number (use the international form, such as +39 06 1234 5678)

admin-quiet-start = No unprompted messages from (hour, 0 to 23)
admin-quiet-end = until (hour)
admin-time-zone = Time zone
admin-time-zone-help = Pages, e-mails and quiet hours follow its clock, summer time included: a name such as Europe/Rome.

account-inbox = Your messages
account-inbox-empty = No message yet. Messages reach you here once your e-mail address or phone number is confirmed.

digest-subject = What changed where you follow: { $count }
digest-lead = Since your last update:

follow-this = Follow this request
follows-title = What you follow
follows-none = You follow nothing yet. On a public request's page, choose “Follow this request”.
follows-area = Within { $radius } m of { $at }
follows-stop = Stop following
market-job-gone = This page is gone: the job is not known (it ended over an hour ago, or the server restarted). The marketplace shows what is installed.
market-job-running = Compiling the service: { $seconds } s so far. A large component (Python, JavaScript) takes up to a minute; the version before it serves meanwhile.
market-job-done = Done in { $seconds } s.
market-job-failed = Refused; nothing changed:

## Pages, round two: who is signed in, what an action did, the console's words
signed-in-as = Signed in as { $name }
form-error-coordinates = Latitude and longitude are decimal numbers, such as 45.4642
error-choose-rating = Choose a rating from 1 to 5
error-not-a-number = “{ $value }” is not a number
admin-no-such-key = There is no key “{ $key }” here
done-reply = Your reply was sent.
done-note = Your internal note was saved.
done-status = The status was changed.
done-assigned = The case was assigned.
done-message = Your message was sent to the city.
done-accepted = Thank you: the request is closed.
done-rejected = The request was reopened: the city will look at it again.
done-rated = Thank you for your rating.
done-installed = The service was installed.
done-upgraded = The service was upgraded.
done-rolled-back = The previous version is back.
done-uninstalled = The service was uninstalled.
done-evidence = The figures were published to the registry.
done-saved = Your changes were saved.
done-verified = Your contact is confirmed.
done-codes-sent = New codes were sent.
done-unfollowed = You no longer follow it.
done-followed = You now follow this request.
done-joined = You now represent this organisation.
done-declined = The invitation was declined.
age-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
age-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
age-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
console-by-citizen = the citizen
console-by-city = the city
console-by-system = Carmen
console-case = Case
console-age = Age
console-pages = Pages
console-choose-status = Choose a status
market-uninstall-lead = Citizens can no longer use the service; its requests stay in the queue and its data stays until you erase it.
market-uninstall-confirm = Yes, uninstall { $name }

## Dates, on the city's clock
date-long = { $day } { $month } { $year }
moment = { $date }, { $time }
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## Messages Carmen itself sends
mail-code-subject = Your verification code
mail-code-body = Your code is { $code }. Enter it to confirm this contact belongs to you; it expires in 30 minutes.
mail-taken-subject = Someone tried to register with your e-mail address
mail-taken-body = Someone tried to make an account with this e-mail address, which already has one. If it was you, sign in instead. If not, you need do nothing.
mail-reply-subject = Reply about your request { $id }: { $title }
mail-overdue-subject = Overdue: case { $id } ({ $title })
mail-overdue-body = Case { $id } of { $service } ({ $department }) was due on { $due } and is still “{ $status }”.
mail-fault-subject = Service { $service } has a fault
mail-fault-body = Since { $when }, { $service } { $version } fails when it is called: { $message } Citizens are told the service has a fault and that trying again will not help. Roll it back, upgrade it, or ask its publisher for a fix; the administration page shows the fault and how often it recurs. You are told once for each version.

## A city's own face
admin-colour = The city's colour
admin-colour-help = Its header and buttons take it, with white text on it: a dark colour, written like #1d4f91.
admin-crest = The city's crest
admin-crest-of = The crest of { $city }
admin-crest-file = An image of the crest
admin-crest-help = A PNG, JPEG or WebP image; it is shown at most 256 pixels wide, on the portal, the console and in messages.
admin-crest-save = Use this crest
admin-crest-missing = Choose an image of the crest to upload.
meta-city = Report a problem to { $city }, ask for a service and follow what happens, online at any hour.
meta-host = Citizen services of the cities hosted here: report a problem, ask for a service, follow it online.

## Pictures where people would rather look
form-use-location = Use my location
form-locating = Finding where you are…
form-locate-failed = Your location could not be found: place the pin on the map or type the address.
public-map = Map of the public requests

## The evaluation over a period
eval-period = Requests filed from { $from } to { $to }: how many, how fast, how satisfied.
eval-period-wrong = That period could not be read: the last 90 days are shown. Choose a first day before the last.
eval-period-choose = The period
eval-from = From
eval-to = To
eval-show = Show
eval-trend = Over time
eval-trend-lead = Requests filed per { $days } days, for each service.
eval-trend-of = Requests of { $service } over time: { $points }

## The marketplace in people's words
market-package = Package
market-publisher-label = Publisher
market-yes = Yes
market-no = No
market-rollback-to = Go back to version { $version }
form-coordinates = Enter coordinates instead
account-password-short = Choose a password of at least { $min } characters.
account-password-long = That password is too long: choose one of at most { $max } characters.
account-code-wrong = That code is not right, or it is no longer valid: check it, or ask for a new one.
error-back-to-form = Go back to the form
done-city = The city was created; its first administrator can sign in to its console.

# The knowledge base on the portal.
help-answers = Answers
help-known = This problem is known and being dealt with: there is no need to report it.
help-known-short = Known: no need to report
help-before = Before you report
help-updated = Updated { $date }
help-services = Services about this
help-missing = This article has no text yet.
console-saved-replies = Saved reply
console-reply-language = In
console-insert = Insert
console-suggested-articles = Articles about this
console-insert-link = insert its link
help-helpful = This answered my question
help-thanks = Thank you: it helps the city know what to write.

# The knowledge base in the console.
console-knowledge = Knowledge base
kb-title = Knowledge base
kb-new = New article
kb-none = No article yet.
kb-article = Title
kb-status = Where it stands
kb-languages = Languages
kb-updated = Updated
kb-replies = Saved replies
kb-reply-name = Name of the reply
kb-language = Language
kb-reply-text = Its text
kb-reply-hint = Filled in from the case when inserted: {"{"}reference{"}"}, {"{"}address{"}"}, {"{"}due{"}"}.
kb-save-reply = Save the reply
kb-other-languages = Languages:
kb-see-public = See it as citizens do
kb-article-title = Title
kb-body = The article's text
kb-body-hint = Markdown: blank lines between paragraphs, **bold**, *italic*, lists with -, [links](https://…).
kb-known-issue = This is a known problem: citizens need not report it
kb-until = A notice: shown until (optional)
kb-services = The services it is about
kb-save = Save
kb-draft = Draft
kb-published = Published
help-suggest = Is this what you mean?
