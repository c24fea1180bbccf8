# Die Webseiten von Carmen auf Deutsch. Die IDs sind genau die des englischen Referenzkatalogs.

site-name = Carmen
skip-to-content = Zum Hauptinhalt springen
language-switcher = Sprache
powered-by = Bürgerdienste von { $city }, bereitgestellt von Carmen

services-title = Dienste von { $city }
services-lead = Wobei können wir Ihnen helfen? Wählen Sie einen Dienst, um ein Problem zu melden oder etwas zu beantragen.
services-search-label = Dienste durchsuchen
services-search-button = Suchen
services-search-results = Dienste zu „{ $query }“
services-none = Kein Dienst passt zu Ihrer Suche.
services-none-installed = Diese Stadt bietet noch keine Online-Dienste an.
services-show-all = Alle Dienste anzeigen
services-public-requests = Sehen, was andere gemeldet haben

form-required = (Pflichtfeld)
form-optional = (freiwillig)
form-submit = Absenden
form-errors-title = Es gibt ein Problem
form-errors-lead = Prüfen Sie die unten markierten Angaben und senden Sie das Formular erneut ab.
form-description = Erzählen Sie uns mehr
form-description-help = Alles, was der Stadt hilft, Ihre Anfrage zu verstehen.
form-location = Wo ist es?
form-address = Adresse
form-address-help = Straße und Hausnummer oder ein Ort, den die Stadt finden kann.
form-latitude = Breitengrad
form-longitude = Längengrad
form-coordinates-help = Falls Sie sie kennen: Dezimalgrad, zum Beispiel 45.4642 und 9.1900.
form-contact = Wie kann die Stadt Sie erreichen?
form-contact-help = Die Stadt verwendet diese Angaben nur für diese Anfrage. Sie werden nie öffentlich angezeigt.
form-name = Ihr Name
form-email = E-Mail-Adresse
form-phone = Telefonnummer
form-choose = Wählen Sie eine Option
form-choose-many = Wählen Sie alle zutreffenden Optionen
form-back = Zurück zu den Diensten
form-public-note = Anfragen an diesen Dienst sind öffentlich: Alle können sehen, was Sie hier schreiben, außer Ihren Kontaktdaten.
form-private-note = Anfragen an diesen Dienst sind privat: Nur Sie und die Mitarbeitenden der Stadt können sie sehen.

submitted-title = Ihre Anfrage wurde gesendet
submitted-reference = Ihre Vorgangsnummer lautet
submitted-answer = Die Antwort
submitted-follow = Ihre Anfrage verfolgen
submitted-follow-lead = Bewahren Sie diesen Link auf: Nur mit ihm können Sie Ihre Anfrage ohne Konto verfolgen. Alle, die den Link haben, können die Anfrage lesen.
submitted-open-link = Meine Anfrage öffnen
submitted-another = Weitere Anfrage stellen

request-title = Anfrage { $id }
request-service = Dienst
request-status = Bearbeitungsstand
request-filed = Gesendet am
request-updated = Zuletzt aktualisiert
request-due = Voraussichtlich erledigt bis
request-where = Wo
request-details = Einzelheiten
request-timeline = Was bisher geschah
request-messages = Nachrichten
request-no-messages = Noch keine Nachrichten.
request-from-city = Von der Stadt
request-from-you = Von Ihnen
request-public = Diese Anfrage ist öffentlich.
request-private = Diese Anfrage ist privat: Nur Sie und die Mitarbeitenden der Stadt können sie sehen.
request-duplicate = Diese Anfrage ist ein Duplikat von Anfrage { $id }.

timeline-submitted = Gesendet
timeline-changed = Bearbeitungsstand geändert in „{ $status }“

status-submitted = Gesendet
status-acknowledged = Eingegangen
status-in-progress = In Bearbeitung
status-resolved = Erledigt
status-closed = Abgeschlossen
status-rejected = Nicht angenommen
status-duplicate = Duplikat

public-title = Was andere in { $city } gemeldet haben
public-lead = Öffentliche Anfragen, die neuesten zuerst. Kontaktdaten und private Antworten werden nie angezeigt.
public-none = Bisher wurde nichts öffentlich gemeldet.
public-view = Ansehen

error-title = Etwas ist schiefgelaufen
error-not-found = Diese Seite gibt es nicht.
error-not-found-city = Unter dieser Adresse gibt es keine Stadt.
error-csrf = Dieses Formular ist abgelaufen oder stammt nicht von dieser Website. Gehen Sie zurück, laden Sie die Seite neu und senden Sie das Formular erneut ab: Es wurde nichts gesendet.
error-busy = Der Dienst ist gerade ausgelastet. Versuchen Sie es gleich noch einmal: Es wurde nichts gesendet.
error-failed = Der Dienst konnte Ihre Anfrage nicht annehmen. Versuchen Sie es später noch einmal: Es wurde nichts gesendet.
error-back = Zu den Diensten
