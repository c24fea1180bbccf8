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
error-back = Go to the services
