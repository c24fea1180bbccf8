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
error-service-fault = Dieser Dienst hat einen Fehler und kann vorerst keine Anfragen annehmen: Ein neuer Versuch hilft erst, wenn die Stadt ihn behoben hat. Es wurde nichts gesendet.
city-moved = { $city } ist umgezogen: Ihre Dienste und Ihre Anliegen finden Sie jetzt unter
error-back = Zu den Diensten

follow-write = Der Stadt schreiben
follow-write-label = Ihre Nachricht
follow-write-send = Nachricht senden
follow-resolved-title = Laut der Stadt ist Ihre Anfrage erledigt
follow-resolved-lead = Wenn Sie einverstanden sind, bestätigen Sie die Erledigung. Wenn nicht, teilen Sie der Stadt den Grund mit, und die Anfrage wird wieder geöffnet.
follow-accept = Erledigung bestätigen
follow-reject-label = Warum ist die Anfrage nicht erledigt?
follow-reject = Die Anfrage ist nicht erledigt
follow-rate-title = Wie zufrieden sind Sie?
follow-rate-lead = Bewerten Sie, wie die Stadt Ihre Anfrage bearbeitet hat, von 1 (sehr unzufrieden) bis 5 (sehr zufrieden).
follow-rate-score = Ihre Bewertung
follow-rate-comment = Möchten Sie der Stadt noch etwas mitteilen?
follow-rate-send = Bewertung senden
follow-rated = Sie haben diese Anfrage mit { $score } von 5 bewertet. Vielen Dank.
rating-1 = 1 – sehr unzufrieden
rating-2 = 2 – unzufrieden
rating-3 = 3 – weder zufrieden noch unzufrieden
rating-4 = 4 – zufrieden
rating-5 = 5 – sehr zufrieden
error-invalid = Das konnte nicht ausgeführt werden: { $reason }

console-title = Konsole der Stadt
console-sign-in = Anmelden
console-sign-in-title = Bei der Konsole von { $city } anmelden
console-email = E-Mail-Adresse
console-password = Passwort
console-sign-in-failed = Die E-Mail-Adresse oder das Passwort ist falsch.
console-sign-out = Abmelden
console-signed-in-as = Angemeldet als { $role }
console-not-staff = Nur Mitarbeitende dieser Stadt können ihre Konsole nutzen.
console-queue = Vorgänge
console-filter = Filtern
console-filter-status = Bearbeitungsstand
console-filter-any = Alle
console-filter-department = Abteilung
console-filter-service = Dienst
console-filter-text = Freitext
console-filter-overdue = Nur überfällige
console-filter-apply = Filter anwenden
console-total = { $total ->
    [one] { $total } Vorgang
   *[other] { $total } Vorgänge
}
console-none = Kein Vorgang passt zu den Filtern.
console-overdue = Überfällig
console-page-previous = Vorherige Seite
console-page-next = Nächste Seite
console-case-title = Vorgang { $id }
console-contact = Kontakt
console-no-contact = Keine Kontaktdaten.
console-department = Abteilung
console-assignee = Zugewiesen an
console-unassigned = Niemand
console-history = Verlauf
console-thread = Nachrichtenverlauf
console-internal = Interne Notiz
console-change-status = Bearbeitungsstand ändern
console-new-status = Neuer Bearbeitungsstand
console-status-note = Hinweis für die anfragende Person
console-duplicate-of = Duplikat von Vorgang Nummer
console-change = Stand ändern
console-reply = Antwort oder Notiz
console-reply-body = Nachricht
console-reply-internal = Interne Notiz (für die anfragende Person nicht sichtbar)
console-reply-send = Absenden
console-assign = Zuweisen
console-assign-to = Personalnummer
console-assign-send = Zuweisen
console-back = Zurück zu den Vorgängen
console-rating = Bewertung der anfragenden Person

market-title = Dienste-Marktplatz
market-lead = Von anderen Städten veröffentlichte Dienste. Installieren Sie einen, und die Bürgerinnen und Bürger können ihn sofort nutzen.
market-search-label = Dienste-Marktplatz durchsuchen
market-search = Suchen
market-none = Kein Dienst passt zur Suche.
market-more = Weitere Dienste
market-no-registry = Auf diesem Server ist kein gemeinsames Verzeichnis eingerichtet.
market-installed = Installiert: Version { $version }
market-publisher = Veröffentlicht von { $publisher } ({ $city })
market-key = Fingerabdruck des Signaturschlüssels
market-cities = Städte, die ihn nutzen
market-no-cities = Bisher hat keine Stadt gemeldet, dass sie ihn nutzt.
market-versions = Versionen
market-version = Versionsnummer
market-published = Veröffentlicht
market-contract = Schnittstellenvertrag
market-yanked = zurückgezogen
market-deprecated = veraltet: { $message }
market-asks = Was der Dienst darf
market-asks-nothing = Der Dienst fordert keine Berechtigungen an.
market-approve = Ich bin einverstanden: Der Dienst darf { $capability }
market-settings = Einstellungen
market-report = Dem Verzeichnis mitteilen, dass { $city } ihn nutzt (keine personenbezogenen Daten)
market-install = Installieren
market-upgrade = Auf Version { $version } aktualisieren
market-upgrade-new = Die neue Version möchte außerdem:
market-hosts = Adressen, die der Dienst aufruft
market-hosts-lead = Er sendet Anfragen nur an diese Adressen. Ein Name in ‹Winkelzeichen› ist eine Einstellung, die Sie unten ausfüllen: Der Dienst ruft die dort eingetragene Adresse auf.
market-approve-hosts = Ich genehmige seine Anfragen an diese Adressen: { $hosts }
market-rollback = Zur vorherigen Version zurückkehren
market-uninstall = Deinstallieren
market-not-admin = Nur Administratorinnen und Administratoren der Stadt können Dienste installieren, aktualisieren oder entfernen.
market-done = Fertig.
capability-cases = Vorgänge eröffnen, lesen und ihren Bearbeitungsstand ändern
capability-store = eigene Daten speichern (zum Beispiel Buchungen)
capability-notify = Nachrichten an Bürgerinnen und Bürger senden
capability-config = die von der Stadt vorgegebenen Einstellungen lesen
capability-log = in das technische Protokoll der Stadt schreiben
capability-clock = das aktuelle Datum und die Uhrzeit kennen
capability-requester = erkennen, wer eine Anfrage sendet (als anonyme Kennung)
capability-http = die eigenen Anwendungen der Stadt unter den genehmigten Adressen aufrufen
console-marketplace = Dienste-Marktplatz

account-title = Ihr Konto
account-link = Ihr Konto
account-register = Konto anlegen
account-register-lead = Mit einem Konto sehen Sie alle Ihre Anfragen an einem Ort, und die Stadt kann Sie erinnern, bevor eine Frist abläuft.
account-name = Ihr Name
account-email = E-Mail-Adresse
account-phone = Telefonnummer (freiwillig)
account-password = Passwort (mindestens { $min } Zeichen)
account-consent = Die Stadt darf mich von sich aus kontaktieren, zum Beispiel um mich zu erinnern, bevor ein Dokument abläuft.
account-registered = Wenn diese Adresse verwendet werden kann, haben wir einen Code an sie gesendet. Melden Sie sich an und geben Sie den Code ein, um sie zu bestätigen.
account-sign-in = Anmelden
account-sign-in-lead = Melden Sie sich an, um Ihre Anfragen zu sehen.
account-sign-in-failed = Die E-Mail-Adresse oder das Passwort ist falsch.
account-sign-out = Abmelden
account-verified = bestätigt
account-not-verified = noch nicht bestätigt
account-verify = Bestätigen Sie Ihre Kontaktdaten
account-verify-channel = Was bestätigen Sie?
account-code = Der Code, den wir Ihnen gesendet haben
account-verify-send = Bestätigen
account-resend = Codes erneut senden
account-requests = Ihre Anfragen
account-no-requests = Sie haben noch keine Anfrage gesendet.
account-requests-older = Ältere Anfragen
account-export = Ihre Daten herunterladen
account-export-lead = Alles, was die Stadt über Sie gespeichert hat, als Datei.
account-erase = Ihr Konto löschen
account-erase-lead = Ihr Konto und Ihre Kontaktdaten werden gelöscht, und die Dienste der Stadt vergessen Sie. Ihre Anfragen bleiben erhalten, ohne Ihren Namen.
account-erase-confirm = Ich habe verstanden: mein Konto löschen
account-erased = Ihr Konto wurde gelöscht.
account-erased-services = Diese Dienste haben Sie vergessen: { $services }
account-erased-pending = Diese Dienste vergessen Sie, sobald sie können: { $services }

org-title = Organisationen
org-lead = Ein Unternehmen oder ein Verein, in dessen Namen Sie handeln: Alle Vertreterinnen und Vertreter teilen sich seine Anfragen.
org-none = Sie handeln für keine Organisation.
org-create = Organisation registrieren
org-name = Name der Organisation
org-kind = Um welche Art von Organisation handelt es sich?
org-business = Ein Unternehmen
org-association = Ein Verein
org-owner = verantwortliche Person
org-representatives = Vertreterinnen und Vertreter
org-add = Eine Vertretung einladen
org-add-email = Ihre E-Mail-Adresse (die in ihrem Konto hier bestätigte)
org-add-send = Einladen
org-invited = Einladung verschickt. Wer diese Adresse in seinem Konto hier bestätigt hat, findet sie auf seiner Kontoseite und wird zur Vertretung, sobald er sie annimmt.
org-pending = Eingeladen, Antwort ausstehend
account-invitations = Einladungen
account-invitation = { $name } lädt Sie ein, in ihrem Namen zu handeln.
invitation-accept = Annehmen
invitation-decline = Ablehnen
org-requests = Anfragen im Namen von { $name }
org-no-requests = Im Namen dieser Organisation wurde noch keine Anfrage gestellt.
org-export = Daten der Organisation herunterladen
org-erase = Organisation löschen
org-erase-lead = Die Organisation, ihre Vertreterinnen und Vertreter und die Kontaktdaten in ihren Anfragen werden gelöscht. Die Anfragen bleiben erhalten, ohne diese Angaben.
org-erase-confirm = Ich habe verstanden: die Organisation löschen
org-erased = Die Organisation wurde gelöscht.
org-on-behalf = Im Namen von
org-myself = Mir selbst

admin-title = Verwaltung der Stadt
admin-faults-title = Dienste mit einem Fehler
admin-faults-lead = Diese Dienste schlagen beim Aufruf fehl: Bürgerinnen und Bürgern wird gesagt, dass der Dienst einen Fehler hat. Setzen Sie sie im Katalog zurück oder aktualisieren Sie sie, oder bitten Sie den Herausgeber um eine Korrektur.
admin-fault-seen = { $count }-mal fehlgeschlagen, vom { $since } bis { $last }
admin-only = Nur Administratorinnen und Administratoren der Stadt können dies ändern.
admin-settings = Einstellungen
admin-reopen-days = Tage, in denen die anfragende Person eine Erledigung ablehnen kann
admin-messages-per-day = Höchstzahl an Nachrichten, die die Dienste der Stadt pro Tag senden dürfen
admin-public-location = Ort öffentlicher Anfragen anzeigen
admin-save = Speichern
admin-departments = Abteilungen
admin-department-code = Kürzel (Buchstaben, Ziffern und Bindestriche)
admin-department-name = Bezeichnung
admin-department-add = Abteilung hinzufügen
admin-routes = Weiterleitung
admin-routes-lead = Vorgänge eines Dienstes (und einer seiner Kategorien) gehen an eine Abteilung.
admin-route-service = Dienst
admin-route-category = Kategorie (leer: alle Kategorien)
admin-route-department = Abteilung
admin-route-set = Weiterleitung festlegen
admin-staff = Mitarbeitende
admin-staff-role = Rolle
admin-staff-admin = Administratorin oder Administrator
admin-staff-staff = Mitarbeiterin oder Mitarbeiter
admin-staff-add = Person hinzufügen
admin-keys = API-Schlüssel
admin-keys-lead = Mit einem Schlüssel kann eine Anwendung (etwa eine Open311-App) Anfragen bei der Stadt einreichen.
admin-key-label = Wofür der Schlüssel dient
admin-key-issue = Schlüssel ausstellen
admin-key-issued = Der neue Schlüssel (wird nur dieses eine Mal angezeigt: Kopieren Sie ihn jetzt)
admin-key-id = Schlüsselkennung
admin-key-revoke = Schlüssel widerrufen
admin-audit = Prüfprotokoll
admin-audit-when = Wann
admin-audit-who = Wer
admin-audit-what = Was
admin-audit-object = Betrifft
admin-audit-older = Ältere Einträge
admin-saved = Gespeichert.
console-administration = Verwaltung der Stadt
operator-title = Betreiberkonsole
operator-sign-in = Als Betreiber anmelden
operator-cities = Städte
operator-city-slug = Adresse (Kurzname: Kleinbuchstaben, Ziffern und Bindestriche)
operator-city-name = Name der Stadt
operator-admin-name = Name der ersten Administratorin oder des ersten Administrators
operator-admin-email = E-Mail-Adresse dieser Person
operator-admin-password = Passwort dieser Person (mindestens { $min } Zeichen)
operator-create = Stadt anlegen
operator-health = Zustand der Plattform
operator-health-cities = Städte
operator-health-installs = Installierte Dienste
operator-health-database = Datenbank
operator-health-registry = Gemeinsames Verzeichnis
operator-none = keine

form-photos = Fotos anhängen
form-photos-help = Bis zu 3 Bilder (JPEG, PNG oder WebP, je höchstens 5 MB). Die Stadt entfernt die Angaben der Kamera, etwa wo das Bild aufgenommen wurde.
request-photos = Fotografien
request-photo = Bild { $n }

form-map = Karte: wählen Sie den Ort
form-map-help = Tippen oder klicken Sie auf die Karte, um die Markierung zu setzen, oder
admin-map-tiles = Kartenkacheln (URL-Vorlage mit {"{"}z{"}"}, {"{"}x{"}"} und {"{"}y{"}"}; leer: keine Karte)
admin-map-zoom = Zoomstufe der Karte (1 bis 19)

home-title = Wählen Sie Ihre Stadt
home-lead = Jede Stadt bietet hier ihre eigenen Dienste an.
cities-more = Weitere Städte
prefs-title = Wie die Stadt Sie erreicht
prefs-language = Sprache der Nachrichten
prefs-channel = Nachrichten senden per
prefs-channel-email = E-Mail
prefs-channel-sms = SMS
prefs-consent = Die Stadt darf mich von sich aus kontaktieren, zum Beispiel um mich an ein ablaufendes Dokument zu erinnern.
prefs-save = Einstellungen speichern

mail-unsubscribe = Um keine solchen Nachrichten mehr zu erhalten, öffnen Sie
unsubscribe-title = Solche Nachrichten abbestellen
unsubscribe-lead = Die Stadt schickt Ihnen keine Nachrichten mehr, um die Sie nicht gebeten haben. Nachrichten zu Ihren eigenen Anfragen erhalten Sie weiterhin.
unsubscribe-confirm = Diese Nachrichten abbestellen
unsubscribe-done = Erledigt: Sie erhalten keine solchen Nachrichten mehr.

survey-subject = Wie zufrieden waren Sie mit Ihrer Anfrage { $id }?
survey-body = Ihre Anfrage { $id } ({ $title }) ist erledigt. Wie zufrieden sind Sie? Öffnen Sie den Link Ihrer Antwort:
survey-title = Wie zufrieden sind Sie?
survey-lead = Ihre Antwort hilft der Stadt, diesen Dienst zu verbessern.
survey-thanks = Danke: Ihre Bewertung wurde gespeichert.

eval-title = Wie die Dienste abschneiden
eval-lead = Anfragen der letzten 90 Tage: wie viele, wie schnell, wie zufrieden.
eval-service = Dienst
eval-volume = Anfragen
eval-first-response = Erste Reaktion (Median)
eval-resolve = Erledigt in (Median / 90 %)
eval-sla = Fristgerecht
eval-reopen = Wieder geöffnet
eval-satisfaction = Zufriedenheit
eval-messages = Nachrichten gesendet / gescheitert / abbestellt
eval-articles = Artikel gelesen / hilfreich / Meldungen erspart
eval-distribution = Bewertungen von { $service }: { $counts }
eval-none = Keine Anfrage in diesem Zeitraum.
eval-csv = Als CSV herunterladen
console-evaluation = Auswertung

market-evidence = Wie er sich in den Städten bewährt hat, die ihn erprobt haben
market-no-evidence = Noch keine Stadt hat ihre Zahlen dazu veröffentlicht.
market-publish-evidence = Unsere Zahlen veröffentlichen (zusammengefasst, ohne personenbezogene Daten)
market-city = Stadt

check-no-such-field = dieser Dienst hat kein solches Feld
check-required = { $label }: Pflichtangabe
check-one-value = nimmt nur einen Wert
check-too-long = ist länger als { $max } Zeichen
check-not-number = „{ $value }“ ist keine Zahl
check-not-date = „{ $value }“ ist kein Datum (JJJJ-MM-TT)
check-not-choice = „{ $value }“ ist keine der Möglichkeiten: { $choices }
check-twice = nennt einen Wert zweimal
check-location-required = ein Ort (Koordinaten oder eine Adresse) ist nötig
check-coordinates-range = der Breitengrad liegt zwischen -90 und 90, der Längengrad zwischen -180 und 180
check-coordinates-pair = geben Sie Breiten- und Längengrad an, oder keinen von beiden
check-contact-required = Kontaktangaben (eine E-Mail-Adresse oder Telefonnummer) sind nötig
check-email = das ist keine E-Mail-Adresse
check-phone = das ist keine Telefonnummer (internationale Form, etwa +49 30 1234567)

admin-quiet-start = Keine unaufgeforderten Nachrichten ab (Stunde, 0 bis 23)
admin-quiet-end = bis (Stunde)
admin-time-zone = Zeitzone
admin-time-zone-help = Seiten, E-Mails und Ruhezeiten folgen ihrer Uhr, Sommerzeit eingeschlossen: ein Name wie Europe/Berlin.

account-inbox = Ihre Nachrichten
account-inbox-empty = Noch keine Nachricht. Nachrichten erscheinen hier, sobald Ihre E-Mail-Adresse oder Telefonnummer bestätigt ist.

digest-subject = Neues, wo Sie folgen: { $count }
digest-lead = Seit Ihrer letzten Übersicht:

follow-this = Dieser Anfrage folgen
follows-title = Was Sie verfolgen
follows-none = Sie folgen noch nichts. Wählen Sie auf der Seite einer öffentlichen Anfrage „Dieser Anfrage folgen“.
follows-area = Im Umkreis von { $radius } m um { $at }
follows-stop = Nicht mehr folgen
market-job-gone = Diese Seite gibt es nicht mehr: der Auftrag ist unbekannt (er endete vor über einer Stunde, oder der Server wurde neu gestartet). Der Marktplatz zeigt, was installiert ist.
market-job-running = Der Dienst wird kompiliert: bisher { $seconds } s. Eine große Komponente (Python, JavaScript) braucht bis zu einer Minute; bis dahin läuft die vorige Version.
market-job-done = Fertig in { $seconds } s.
market-job-failed = Abgelehnt; nichts hat sich geändert:

## Pages, round two: who is signed in, what an action did, the console's words
signed-in-as = Angemeldet als { $name }
form-error-coordinates = Breite und Länge sind Dezimalzahlen, etwa 45,4642
error-choose-rating = Wählen Sie eine Bewertung von 1 bis 5
error-not-a-number = „{ $value }“ ist keine Zahl
admin-no-such-key = Hier gibt es keinen Schlüssel „{ $key }“
done-reply = Ihre Antwort wurde gesendet.
done-note = Ihre interne Notiz wurde gespeichert.
done-status = Der Status wurde geändert.
done-assigned = Der Fall wurde zugewiesen.
done-message = Ihre Nachricht wurde an die Stadt gesendet.
done-accepted = Danke: Das Anliegen ist abgeschlossen.
done-rejected = Das Anliegen wurde wieder geöffnet: Die Stadt prüft es erneut.
done-rated = Danke für Ihre Bewertung.
done-installed = Der Dienst wurde installiert.
done-upgraded = Der Dienst wurde aktualisiert.
done-rolled-back = Die vorige Version ist zurück.
done-uninstalled = Der Dienst wurde deinstalliert.
done-evidence = Die Kennzahlen wurden im Verzeichnis veröffentlicht.
done-saved = Ihre Änderungen wurden gespeichert.
done-verified = Ihr Kontakt ist bestätigt.
done-codes-sent = Neue Codes wurden gesendet.
done-unfollowed = Sie folgen ihm nicht mehr.
done-followed = Sie folgen jetzt diesem Anliegen.
done-joined = Sie vertreten jetzt diese Organisation.
done-declined = Die Einladung wurde abgelehnt.
age-minutes = { $count ->
    [one] { $count } Minute
   *[other] { $count } Minuten
}
age-hours = { $count ->
    [one] { $count } Stunde
   *[other] { $count } Stunden
}
age-days = { $count ->
    [one] { $count } Tag
   *[other] { $count } Tage
}
console-by-citizen = die Bürgerin oder der Bürger
console-by-city = die Stadt
console-by-system = Carmen
console-case = Fall
console-age = Alter
console-pages = Seiten
console-choose-status = Status wählen
market-uninstall-lead = Bürgerinnen und Bürger können den Dienst nicht mehr nutzen; seine Fälle bleiben in der Liste und seine Daten bleiben, bis Sie sie löschen.
market-uninstall-confirm = Ja, { $name } deinstallieren

## Dates, on the city's clock
date-long = { $day }. { $month } { $year }
moment = { $date }, { $time } Uhr
month-1 = Januar
month-2 = Februar
month-3 = März
month-4 = April
month-5 = Mai
month-6 = Juni
month-7 = Juli
month-8 = August
month-9 = September
month-10 = Oktober
month-11 = November
month-12 = Dezember

## Messages Carmen itself sends
mail-code-subject = Ihr Bestätigungscode
mail-code-body = Ihr Code lautet { $code }. Geben Sie ihn ein, um zu bestätigen, dass dieser Kontakt Ihnen gehört; er verfällt in 30 Minuten.
mail-taken-subject = Jemand hat versucht, sich mit Ihrer E-Mail-Adresse zu registrieren
mail-taken-body = Jemand hat versucht, mit dieser E-Mail-Adresse ein Konto anzulegen, obwohl sie schon eines hat. Wenn Sie es waren, melden Sie sich an. Sonst müssen Sie nichts tun.
mail-reply-subject = Antwort zu Ihrem Anliegen { $id }: { $title }
mail-overdue-subject = Überfällig: Fall { $id } ({ $title })
mail-overdue-body = Fall { $id } von { $service } ({ $department }) war am { $due } fällig und ist noch „{ $status }“.
mail-fault-subject = Der Dienst { $service } hat einen Fehler
mail-fault-body = Seit { $when } schlägt { $service } { $version } beim Aufruf fehl: { $message } Den Bürgerinnen und Bürgern wird gesagt, dass der Dienst einen Fehler hat und ein neuer Versuch nicht hilft. Setzen Sie ihn auf die vorige Version zurück, aktualisieren Sie ihn oder bitten Sie den Herausgeber um eine Korrektur; die Verwaltungsseite zeigt den Fehler und wie oft er auftritt. Sie erhalten diese Nachricht einmal je Version.

## A city's own face
admin-colour = Die Farbe der Stadt
admin-colour-help = Kopfzeile und Schaltflächen nehmen sie an, mit weißer Schrift darauf: eine dunkle Farbe, geschrieben wie #1d4f91.
admin-crest = Das Wappen der Stadt
admin-crest-of = Das Wappen von { $city }
admin-crest-file = Ein Bild des Wappens
admin-crest-help = Ein PNG-, JPEG- oder WebP-Bild; es wird höchstens 256 Pixel breit gezeigt, im Portal, in der Konsole und in Nachrichten.
admin-crest-save = Dieses Wappen verwenden
admin-crest-missing = Wählen Sie ein Bild des Wappens zum Hochladen.
meta-city = Melden Sie { $city } ein Problem, beantragen Sie einen Dienst und verfolgen Sie, was geschieht – online, zu jeder Stunde.
meta-host = Bürgerdienste der hier betriebenen Städte: ein Problem melden, einen Dienst beantragen, online verfolgen.

## Pictures where people would rather look
form-use-location = Meinen Standort verwenden
form-locating = Ihr Standort wird gesucht…
form-locate-failed = Ihr Standort wurde nicht gefunden: Setzen Sie die Markierung auf der Karte oder geben Sie die Adresse ein.
public-map = Karte der öffentlichen Anliegen

## The evaluation over a period
eval-period = Anliegen vom { $from } bis { $to }: wie viele, wie schnell, wie zufrieden.
eval-period-wrong = Dieser Zeitraum war nicht lesbar: Gezeigt werden die letzten 90 Tage. Wählen Sie einen ersten Tag vor dem letzten.
eval-period-choose = Der Zeitraum
eval-from = Von
eval-to = Bis
eval-show = Anzeigen
eval-trend = Im Verlauf
eval-trend-lead = Anliegen je { $days } Tage, für jeden Dienst.
eval-trend-of = Anliegen von { $service } im Verlauf: { $points }

## The marketplace in people's words
market-package = Paket
market-publisher-label = Herausgeber
market-yes = Ja
market-no = Nein
market-rollback-to = Zurück zu Version { $version }
form-coordinates = Stattdessen Koordinaten eingeben
account-password-short = Wählen Sie ein Passwort mit mindestens { $min } Zeichen.
account-password-long = Dieses Passwort ist zu lang: Wählen Sie eines mit höchstens { $max } Zeichen.
account-code-wrong = Dieser Code stimmt nicht oder gilt nicht mehr: Prüfen Sie ihn oder fordern Sie einen neuen an.
error-back-to-form = Zurück zum Formular
done-city = Die Stadt wurde angelegt; ihre erste Administratorin oder ihr erster Administrator kann sich an der Konsole anmelden.

# The knowledge base on the portal.
help-answers = Antworten
help-known = Dieses Problem ist bekannt und wird bearbeitet: Sie müssen es nicht melden.
help-known-short = Bekannt: keine Meldung nötig
help-before = Bevor Sie etwas melden
help-updated = Aktualisiert am { $date }
help-services = Passende Dienste
help-missing = Dieser Artikel hat noch keinen Text.
console-saved-replies = Gespeicherte Antwort
console-reply-language = Auf
console-insert = Einfügen
console-suggested-articles = Artikel dazu
console-insert-link = Link einfügen
help-helpful = Das hat meine Frage beantwortet
help-thanks = Danke: So weiß die Stadt, was sie schreiben sollte.

# The knowledge base in the console.
console-knowledge = Wissensdatenbank
kb-title = Wissensdatenbank
kb-new = Neuer Artikel
kb-none = Noch kein Artikel.
kb-article = Artikel
kb-status = Status
kb-languages = Sprachen
kb-updated = Aktualisiert
kb-replies = Gespeicherte Antworten
kb-reply-name = Name der Antwort
kb-language = Sprache
kb-reply-text = Text
kb-reply-hint = Beim Einfügen aus dem Fall ausgefüllt: {"{"}reference{"}"}, {"{"}address{"}"}, {"{"}due{"}"}.
kb-save-reply = Antwort speichern
kb-other-languages = Sprachen:
kb-see-public = So sehen ihn die Bürger
kb-article-title = Titel
kb-body = Text
kb-body-hint = Markdown: Leerzeilen zwischen Absätzen, **fett**, *kursiv*, Listen mit -, [Links](https://…).
kb-known-issue = Ein bekanntes Problem: Bürger müssen es nicht melden
kb-until = Ein Hinweis: angezeigt bis (freiwillig)
kb-services = Die Dienste, um die es geht
kb-save = Speichern
kb-draft = Entwurf
kb-published = Veröffentlicht
help-suggest = Meinen Sie das?
