# De webpagina's van Carmen in het Nederlands. De ids zijn precies die van de Engelse referentiecatalogus.

site-name = Carmen
skip-to-content = Direct naar de inhoud
language-switcher = Taal
powered-by = Dienstverlening van { $city }, gehost door Carmen

services-title = Diensten van { $city }
services-lead = Waarmee kunnen we u helpen? Kies een dienst om een probleem te melden of om iets aan te vragen.
services-search-label = Zoeken in de diensten
services-search-button = Zoeken
services-search-results = Diensten bij “{ $query }”
services-none = Er is geen dienst die past bij uw zoekopdracht.
services-none-installed = Deze gemeente biedt nog geen diensten online aan.
services-show-all = Alle diensten tonen
services-public-requests = Bekijk wat anderen hebben gemeld

form-required = (verplicht)
form-optional = (niet verplicht)
form-submit = Versturen
form-errors-title = Er is een probleem
form-errors-lead = Controleer wat hieronder is gemarkeerd en verstuur het formulier opnieuw.
form-description = Vertel ons meer
form-description-help = Alles wat de gemeente helpt om uw melding te begrijpen.
form-location = Waar is het?
form-address = Adres
form-address-help = Een straat en huisnummer, of een plek die de gemeente kan vinden.
form-latitude = Breedtegraad
form-longitude = Lengtegraad
form-coordinates-help = Als u ze weet: in decimale graden, zoals 45.4642 en 9.1900.
form-contact = Hoe kan de gemeente u bereiken?
form-contact-help = De gemeente gebruikt deze gegevens alleen voor deze melding. Ze zijn nooit openbaar te zien.
form-name = Naam
form-email = E-mailadres
form-phone = Telefoonnummer
form-choose = Kies er één
form-choose-many = Kies alles wat van toepassing is
form-back = Terug naar de diensten
form-public-note = Meldingen bij deze dienst zijn openbaar: iedereen kan zien wat u hier schrijft, behalve uw contactgegevens.
form-private-note = Meldingen bij deze dienst zijn niet openbaar: alleen u en de medewerkers van de gemeente kunnen ze zien.

submitted-title = Uw melding is verstuurd
submitted-reference = Uw meldingsnummer is
submitted-answer = Het antwoord
submitted-follow = Uw melding volgen
submitted-follow-lead = Bewaar deze link. Zonder account kunt u uw melding alleen via deze link volgen. Iedereen die de link heeft, kan de melding lezen.
submitted-open-link = Mijn melding openen
submitted-another = Nog een melding doen

request-title = Melding { $id }
request-service = Dienst
request-status = Stand van zaken
request-filed = Verstuurd op
request-updated = Laatst bijgewerkt
request-due = Verwacht klaar op
request-where = Waar
request-details = Gegevens
request-timeline = Wat er is gebeurd
request-messages = Berichten
request-no-messages = Nog geen berichten.
request-from-city = Van de gemeente
request-from-you = Van u
request-public = Deze melding is openbaar.
request-private = Deze melding is niet openbaar: alleen u en de medewerkers van de gemeente kunnen deze zien.
request-duplicate = Deze melding is al eerder gedaan: zie melding { $id }.

timeline-submitted = Verstuurd
timeline-changed = Status gewijzigd in “{ $status }”

status-submitted = Verstuurd
status-acknowledged = Ontvangen
status-in-progress = In behandeling
status-resolved = Opgelost
status-closed = Afgesloten
status-rejected = Niet in behandeling genomen
status-duplicate = Dubbele melding

public-title = Wat anderen in { $city } hebben gemeld
public-lead = Openbare meldingen, nieuwste eerst. Contactgegevens en niet-openbare antwoorden worden nooit getoond.
public-none = Er is nog niets openbaar gemeld.
public-view = Bekijken

error-title = Er is iets misgegaan
error-not-found = Deze pagina bestaat niet.
error-not-found-city = Er is geen gemeente op dit adres.
error-csrf = Dit formulier is verlopen of komt niet van deze website. Ga terug, laad de pagina opnieuw en verstuur het formulier nog een keer. Er is niets verstuurd.
error-busy = De dienst is op dit moment erg druk. Probeer het zo nog een keer. Er is niets verstuurd.
error-failed = De dienst kon uw melding niet aannemen. Probeer het later nog een keer. Er is niets verstuurd.
error-service-fault = Deze dienst heeft een storing en kan voorlopig geen meldingen aannemen. Opnieuw proberen helpt pas als de gemeente de storing heeft verholpen. Er is niets verstuurd.
city-moved = { $city } is verhuisd: de diensten, en uw meldingen, staan nu op
error-back = Naar de diensten

follow-write = Een bericht sturen aan de gemeente
follow-write-label = Uw bericht
follow-write-send = Bericht versturen
follow-resolved-title = Volgens de gemeente is dit opgelost
follow-resolved-lead = Bent u het daarmee eens? Accepteer dan de oplossing. Zo niet, laat de gemeente dan weten waarom. De melding wordt dan weer geopend.
follow-accept = De oplossing accepteren
follow-reject-label = Waarom is het niet opgelost?
follow-reject = Het is niet opgelost
follow-rate-title = Hoe tevreden bent u?
follow-rate-lead = Geef aan hoe de gemeente uw melding heeft behandeld, van 1 (zeer ontevreden) tot 5 (zeer tevreden).
follow-rate-score = Uw beoordeling
follow-rate-comment = Wilt u de gemeente nog iets laten weten?
follow-rate-send = Beoordeling versturen
follow-rated = U gaf dit een { $score } van de 5. Dank u wel.
rating-1 = 1 – zeer ontevreden
rating-2 = 2 – ontevreden
rating-3 = 3 – niet tevreden en niet ontevreden
rating-4 = 4 – tevreden
rating-5 = 5 – zeer tevreden
error-invalid = Dit kon niet worden uitgevoerd: { $reason }

console-title = Console van de gemeente
console-sign-in = Inloggen
console-sign-in-title = Inloggen op de console van { $city }
console-email = E-mailadres
console-password = Wachtwoord
console-sign-in-failed = Het e-mailadres of het wachtwoord is onjuist.
console-sign-out = Uitloggen
console-signed-in-as = Ingelogd als { $role }
console-not-staff = Alleen medewerkers van deze gemeente kunnen de console gebruiken.
console-queue = Zaken
console-filter = Filteren
console-filter-status = Status van de zaak
console-filter-any = Alle
console-filter-department = Afdeling
console-filter-service = Dienst
console-filter-text = Tekst
console-filter-overdue = Alleen te laat
console-filter-apply = Filters toepassen
console-total = { $total ->
    [one] { $total } zaak
   *[other] { $total } zaken
}
console-none = Geen zaken gevonden.
console-overdue = Te laat
console-page-previous = Vorige pagina
console-page-next = Volgende pagina
console-case-title = Zaak { $id }
console-contact = Contactgegevens
console-no-contact = Geen contactgegevens.
console-department = Afdeling
console-assignee = Toegewezen aan
console-unassigned = Niemand
console-history = Geschiedenis
console-thread = Gesprek
console-internal = Interne notitie
console-change-status = De status wijzigen
console-new-status = Nieuwe status
console-status-note = Toelichting voor de melder
console-duplicate-of = Dubbel met zaaknummer
console-change = Status wijzigen
console-reply = Antwoord of notitie
console-reply-body = Bericht
console-reply-internal = Interne notitie (de melder ziet deze niet)
console-reply-send = Versturen
console-assign = Toewijzen
console-assign-to = Nummer van de medewerker
console-assign-send = Toewijzen
console-back = Terug naar de zaken
console-rating = Beoordeling door de melder

market-title = Dienstenmarkt
market-lead = Diensten die andere gemeenten hebben gepubliceerd. Installeer er een en uw inwoners kunnen de dienst meteen gebruiken.
market-search-label = Zoeken in de dienstenmarkt
market-search = Zoeken
market-none = Geen dienst gevonden.
market-more = Meer diensten
market-no-registry = Op deze server is geen gedeeld register ingesteld.
market-installed = Geïnstalleerd: versie { $version }
market-publisher = Gepubliceerd door { $publisher } ({ $city })
market-key = Vingerafdruk van de ondertekeningssleutel
market-cities = Gemeenten die deze dienst gebruiken
market-no-cities = Nog geen gemeente heeft gemeld dat ze deze dienst gebruikt.
market-versions = Versies
market-version = Versie
market-published = Gepubliceerd
market-contract = Interfacecontract
market-yanked = ingetrokken
market-deprecated = verouderd: { $message }
market-asks = Wat de dienst mag doen
market-asks-nothing = De dienst vraagt geen rechten.
market-approve = Ik ga akkoord: de dienst mag { $capability }
market-settings = Instellingen
market-report = Het register laten weten dat { $city } deze dienst gebruikt (zonder persoonsgegevens)
market-install = Installeren
market-upgrade = Bijwerken naar versie { $version }
market-upgrade-new = De nieuwe versie wil daarnaast:
market-hosts = Adressen die de dienst aanroept
market-hosts-lead = De dienst stuurt alleen verzoeken naar deze adressen. Een naam tussen ‹haakjes› is een instelling die u hieronder invult: de dienst roept het adres aan dat u daar schrijft.
market-approve-hosts = Ik keur zijn verzoeken aan deze adressen goed: { $hosts }
market-rollback = Terug naar de vorige versie
market-uninstall = Verwijderen
market-not-admin = Alleen een beheerder van de gemeente kan diensten installeren, bijwerken of verwijderen.
market-done = Klaar.
capability-cases = zaken openen, lezen en de status ervan wijzigen
capability-store = eigen gegevens bewaren (zoals reserveringen)
capability-notify = berichten sturen aan inwoners
capability-config = de instellingen lezen die de gemeente opgeeft
capability-log = schrijven in het technische logboek van de gemeente
capability-clock = de huidige datum en tijd weten
capability-requester = herkennen wie een melding doet (met een anonieme code)
capability-http = de eigen toepassingen van de gemeente aanroepen op de goedgekeurde adressen
console-marketplace = Dienstenmarkt

account-title = Uw account
account-link = Uw account
account-register = Account aanmaken
account-register-lead = Met een account ziet u al uw meldingen op één plek. En de gemeente kan u een herinnering sturen voordat iets verloopt.
account-name = Uw naam
account-email = E-mailadres
account-phone = Telefoonnummer (niet verplicht)
account-password = Wachtwoord (minstens { $min } tekens)
account-consent = De gemeente mag zelf contact met mij opnemen, bijvoorbeeld om mij te herinneren voordat een document verloopt.
account-registered = Als dit adres kan worden gebruikt, hebben we er een code naartoe gestuurd. Log in en vul de code in om het adres te bevestigen.
account-sign-in = Inloggen
account-sign-in-lead = Log in om uw meldingen te zien.
account-sign-in-failed = Het e-mailadres of het wachtwoord is onjuist.
account-sign-out = Uitloggen
account-verified = bevestigd
account-not-verified = nog niet bevestigd
account-verify = Bevestig uw contactgegevens
account-verify-channel = Wat bevestigt u?
account-code = De code die we u hebben gestuurd
account-verify-send = Bevestigen
account-resend = De codes opnieuw sturen
account-requests = Uw meldingen
account-no-requests = U hebt nog geen melding gedaan.
account-requests-older = Oudere meldingen
account-export = Uw gegevens downloaden
account-export-lead = Alles wat de gemeente over u bewaart, in één bestand.
account-erase = Uw account verwijderen
account-erase-lead = Uw account en uw contactgegevens worden verwijderd, en de diensten van de gemeente vergeten u. Uw meldingen blijven bestaan, maar zonder uw naam.
account-erase-confirm = Ik begrijp het: verwijder mijn account
account-erased = Uw account is verwijderd.
account-erased-services = Deze diensten zijn u vergeten: { $services }
account-erased-pending = Deze diensten vergeten u zodra dat kan: { $services }

org-title = Organisaties
org-lead = Een bedrijf of vereniging waarvoor u optreedt. Alle vertegenwoordigers zien dezelfde meldingen van de organisatie.
org-none = U treedt niet op namens een organisatie.
org-create = Een organisatie registreren
org-name = Naam van de organisatie
org-kind = Wat voor organisatie is het?
org-business = Een bedrijf
org-association = Een vereniging
org-owner = eigenaar
org-representatives = Vertegenwoordigers
org-add = Een vertegenwoordiger uitnodigen
org-add-email = Het e-mailadres van deze persoon (het adres dat in het eigen account hier is bevestigd)
org-add-send = Uitnodigen
org-invited = De uitnodiging is verstuurd. Wie dit adres hier in het eigen account heeft bevestigd, vindt de uitnodiging op de accountpagina. Na het accepteren wordt die persoon vertegenwoordiger.
org-pending = Uitgenodigd, wacht op antwoord
account-invitations = Uitnodigingen
account-invitation = { $name } nodigt u uit om namens deze organisatie op te treden.
invitation-accept = Accepteren
invitation-decline = Afwijzen
org-requests = Meldingen namens { $name }
org-no-requests = Er is nog geen melding gedaan namens deze organisatie.
org-export = De gegevens van de organisatie downloaden
org-erase = De organisatie verwijderen
org-erase-lead = De organisatie, haar vertegenwoordigers en de contactgegevens bij haar meldingen worden verwijderd. De meldingen blijven bestaan, maar zonder deze gegevens.
org-erase-confirm = Ik begrijp het: verwijder de organisatie
org-erased = De organisatie is verwijderd.
org-on-behalf = Namens
org-myself = Mijzelf

admin-title = Beheer van de gemeente
admin-faults-title = Diensten met een storing
admin-faults-lead = Deze diensten mislukken wanneer ze worden aangeroepen: inwoners krijgen te horen dat de dienst een storing heeft. Zet ze terug of werk ze bij in de catalogus, of vraag de uitgever om een oplossing.
admin-fault-seen = { $count } keer mislukt, van { $since } tot { $last }
admin-only = Alleen een beheerder van de gemeente kan dit wijzigen.
admin-settings = Instellingen
admin-reopen-days = Aantal dagen waarin een melder een oplossing kan afwijzen
admin-messages-per-day = Maximaal aantal berichten dat de diensten van de gemeente per dag mogen sturen
admin-public-location = Locatie van openbare meldingen tonen
admin-save = Opslaan
admin-departments = Afdelingen
admin-department-code = Code (letters, cijfers en streepjes)
admin-department-name = Naam
admin-department-add = Afdeling toevoegen
admin-routes = Doorsturen
admin-routes-lead = Zaken van een dienst (of van één categorie daarvan) gaan naar een afdeling.
admin-route-service = Dienst
admin-route-category = Categorie (leeg: alle categorieën)
admin-route-department = Afdeling
admin-route-set = Doorsturen instellen
admin-staff = Medewerkers
admin-staff-role = Rol
admin-staff-admin = Beheerder
admin-staff-staff = Medewerker
admin-staff-add = Persoon toevoegen
admin-keys = API-sleutels
admin-keys-lead = Met een sleutel kan een applicatie (zoals een Open311-app) meldingen indienen bij de gemeente.
admin-key-label = Waarvoor de sleutel dient
admin-key-issue = Sleutel aanmaken
admin-key-issued = De nieuwe sleutel (alleen nu zichtbaar: kopieer hem meteen)
admin-key-id = Kenmerk van de sleutel
admin-key-revoke = Sleutel intrekken
admin-audit = Auditlog
admin-audit-when = Wanneer
admin-audit-who = Wie
admin-audit-what = Wat
admin-audit-object = Betreft
admin-audit-older = Oudere regels
admin-saved = Opgeslagen.
console-administration = Beheer
operator-title = Console van de platformbeheerder
operator-sign-in = Inloggen als platformbeheerder
operator-cities = Gemeenten
operator-city-slug = Adres (korte naam: kleine letters, cijfers en streepjes)
operator-city-name = Naam van de gemeente
operator-admin-name = Naam van de eerste beheerder
operator-admin-email = E-mailadres van deze beheerder
operator-admin-password = Wachtwoord van deze beheerder (minstens { $min } tekens)
operator-create = Gemeente aanmaken
operator-health = Staat van het platform
operator-health-cities = Gemeenten
operator-health-installs = Geïnstalleerde diensten
operator-health-database = Databank
operator-health-registry = Gedeeld register
operator-none = geen

form-photos = Foto's toevoegen
form-photos-help = Maximaal 3 foto's (JPEG, PNG of WebP, elk maximaal 5 MB). De gemeente verwijdert de gegevens van de camera, zoals de plek waar de foto is gemaakt.
request-photos = Foto's
request-photo = Foto { $n }

form-map = Kaart: kies waar het is
form-map-help = Tik of klik op de kaart om de plek aan te wijzen, of
admin-map-tiles = Kaarttegels (URL-sjabloon met {"{"}z{"}"}, {"{"}x{"}"} en {"{"}y{"}"}; leeg: geen kaart)
admin-map-zoom = Zoomniveau van de kaart (1 tot en met 19)

home-title = Kies uw gemeente
home-lead = Elke gemeente biedt hier haar eigen diensten aan.
cities-more = Meer gemeenten
prefs-title = Hoe de gemeente contact met u opneemt
prefs-language = Taal van de berichten
prefs-channel = Hoe wilt u berichten ontvangen?
prefs-channel-email = Per e-mail
prefs-channel-sms = Per sms
prefs-consent = De gemeente mag zelf contact met mij opnemen, bijvoorbeeld om mij te herinneren voordat een document verloopt.
prefs-save = Voorkeuren opslaan

mail-unsubscribe = Wilt u dit soort berichten niet meer ontvangen? Open deze link
unsubscribe-title = Dit soort berichten stoppen
unsubscribe-lead = De gemeente stuurt u geen berichten meer waar u niet om hebt gevraagd. Berichten over uw eigen meldingen blijft u wel ontvangen.
unsubscribe-confirm = Deze berichten stoppen
unsubscribe-done = Gelukt: u ontvangt dit soort berichten niet meer.

survey-subject = Hoe hebben we uw melding { $id } afgehandeld?
survey-body = Uw melding { $id } ({ $title }) is opgelost. Hoe tevreden bent u? Klik op de link bij uw antwoord:
survey-title = Hoe tevreden bent u?
survey-lead = Met uw antwoord kan de gemeente deze dienst verbeteren.
survey-thanks = Dank u wel: uw beoordeling is opgeslagen.

eval-title = Hoe de diensten presteren
eval-lead = Meldingen van de afgelopen 90 dagen: hoeveel, hoe snel, hoe tevreden.
eval-service = Dienst
eval-volume = Meldingen
eval-first-response = Eerste reactie (mediaan)
eval-resolve = Opgelost in (mediaan / 90%)
eval-sla = Op tijd
eval-reopen = Heropend
eval-satisfaction = Tevredenheid
eval-messages = Berichten verstuurd / mislukt / gestopt
eval-articles = Artikelen gelezen / behulpzaam / meldingen voorkomen
eval-distribution = Beoordelingen van { $service }: { $counts }
eval-none = Geen meldingen in deze periode.
eval-csv = Downloaden als CSV
console-evaluation = Evaluatie

market-evidence = Resultaten bij de gemeenten die de dienst hebben uitgeprobeerd
market-no-evidence = Nog geen gemeente heeft haar cijfers over deze dienst gepubliceerd.
market-publish-evidence = Onze cijfers over deze dienst publiceren (samengevat, zonder persoonsgegevens)
market-city = Gemeente

check-no-such-field = deze dienst heeft zo'n veld niet
check-required = { $label } is verplicht
check-one-value = mag maar één waarde hebben
check-too-long = is langer dan { $max } tekens
check-not-number = “{ $value }” is geen getal
check-not-date = “{ $value }” is geen datum (JJJJ-MM-DD)
check-not-choice = “{ $value }” is geen van de keuzes: { $choices }
check-twice = noemt een waarde twee keer
check-location-required = een locatie (coördinaten of een adres) is verplicht
check-coordinates-range = de breedtegraad ligt tussen -90 en 90 en de lengtegraad tussen -180 en 180
check-coordinates-pair = vul zowel de breedtegraad als de lengtegraad in, of geen van beide
check-contact-required = contactgegevens (een e-mailadres of een telefoonnummer) zijn verplicht
check-email = dit is geen e-mailadres
check-phone = dit is geen telefoonnummer (gebruik de internationale vorm, zoals +31 20 123 4567)

admin-quiet-start = Geen ongevraagde berichten vanaf (uur, 0 tot en met 23)
admin-quiet-end = tot (uur)
admin-time-zone = Tijdzone
admin-time-zone-help = Pagina's, e-mails en stille uren volgen deze klok, inclusief zomertijd: een naam zoals Europe/Amsterdam.

account-inbox = Uw berichten
account-inbox-empty = Nog geen berichten. Berichten komen hier binnen zodra uw e-mailadres of telefoonnummer is bevestigd.

digest-subject = Wijzigingen in wat u volgt: { $count }
digest-lead = Sinds uw laatste overzicht:

follow-this = Deze melding volgen
follows-title = Wat u volgt
follows-none = U volgt nog niets. Kies op de pagina van een openbare melding “Deze melding volgen”.
follows-area = Binnen { $radius } m van { $at }
follows-stop = Niet meer volgen
market-job-gone = Deze pagina bestaat niet meer: de taak is onbekend (ze is meer dan een uur geleden afgerond, of de server is opnieuw gestart). De dienstenmarkt laat zien wat er is geïnstalleerd.
market-job-running = De dienst wordt gecompileerd: { $seconds } s tot nu toe. Een groot onderdeel (Python, JavaScript) kan tot een minuut duren. Tot die tijd blijft de vorige versie werken.
market-job-done = Klaar in { $seconds } s.
market-job-failed = Geweigerd; er is niets veranderd:

## Pagina's, tweede ronde: wie is ingelogd, wat een actie heeft gedaan, de woorden van de console
signed-in-as = Ingelogd als { $name }
form-error-coordinates = Breedtegraad en lengtegraad zijn decimale getallen, zoals 45.4642
error-choose-rating = Kies een beoordeling van 1 tot en met 5
error-not-a-number = “{ $value }” is geen getal
admin-no-such-key = Er is hier geen sleutel “{ $key }”
done-reply = Uw antwoord is verstuurd.
done-note = Uw interne notitie is opgeslagen.
done-status = De status is gewijzigd.
done-assigned = De zaak is toegewezen.
done-message = Uw bericht is naar de gemeente gestuurd.
done-accepted = Dank u wel: de melding is afgesloten.
done-rejected = De melding is weer geopend: de gemeente kijkt er opnieuw naar.
done-rated = Dank u wel voor uw beoordeling.
done-installed = De dienst is geïnstalleerd.
done-upgraded = De dienst is bijgewerkt.
done-rolled-back = De vorige versie is teruggezet.
done-uninstalled = De dienst is verwijderd.
done-evidence = De cijfers zijn gepubliceerd in het register.
done-saved = Uw wijzigingen zijn opgeslagen.
done-verified = Uw e-mailadres of telefoonnummer is bevestigd.
done-codes-sent = Er zijn nieuwe codes verstuurd.
done-unfollowed = U volgt dit niet meer.
done-followed = U volgt deze melding nu.
done-joined = U vertegenwoordigt nu deze organisatie.
done-declined = De uitnodiging is afgewezen.
age-minutes = { $count ->
    [one] { $count } minuut
   *[other] { $count } minuten
}
age-hours = { $count ->
    [one] { $count } uur
   *[other] { $count } uur
}
age-days = { $count ->
    [one] { $count } dag
   *[other] { $count } dagen
}
console-by-citizen = de melder
console-by-city = de gemeente
console-by-system = Carmen
console-case = Zaak
console-age = Looptijd
console-pages = Pagina's
console-choose-status = Kies een status
market-uninstall-lead = Inwoners kunnen de dienst niet meer gebruiken. De zaken van de dienst blijven in de lijst staan, en de gegevens blijven bewaard tot u ze wist.
market-uninstall-confirm = Ja, { $name } verwijderen

## Datums, op de klok van de gemeente
date-long = { $day } { $month } { $year }
moment = { $date } om { $time }
month-1 = januari
month-2 = februari
month-3 = maart
month-4 = april
month-5 = mei
month-6 = juni
month-7 = juli
month-8 = augustus
month-9 = september
month-10 = oktober
month-11 = november
month-12 = december

## Berichten die Carmen zelf verstuurt
mail-code-subject = Uw bevestigingscode
mail-code-body = Uw code is { $code }. Vul deze code in om te bevestigen dat dit e-mailadres of telefoonnummer van u is. De code is 30 minuten geldig.
mail-taken-subject = Iemand probeerde zich te registreren met uw e-mailadres
mail-taken-body = Iemand probeerde een account aan te maken met dit e-mailadres, maar er is al een account met dit adres. Was u dat? Log dan gewoon in. Zo niet, dan hoeft u niets te doen.
mail-reply-subject = Antwoord op uw melding { $id }: { $title }
mail-overdue-subject = Te laat: zaak { $id } ({ $title })
mail-overdue-body = Zaak { $id } van { $service } ({ $department }) moest klaar zijn op { $due } en heeft nog steeds de status “{ $status }”.
mail-fault-subject = De dienst { $service } heeft een storing
mail-fault-body = Sinds { $when } mislukt { $service } { $version } wanneer hij wordt aangeroepen: { $message } Inwoners krijgen te horen dat de dienst een storing heeft en dat het opnieuw proberen niet helpt. Zet hem terug naar de vorige versie, werk hem bij of vraag de uitgever om een oplossing; de beheerpagina toont de storing en hoe vaak die terugkomt. U krijgt dit bericht één keer per versie.

## Het eigen gezicht van een gemeente
admin-colour = De kleur van de gemeente
admin-colour-help = De kop en de knoppen krijgen deze kleur, met witte tekst erop. Kies dus een donkere kleur, geschreven als #1d4f91.
admin-crest = Het wapen van de gemeente
admin-crest-of = Het wapen van { $city }
admin-crest-file = Een afbeelding van het wapen
admin-crest-help = Een PNG-, JPEG- of WebP-afbeelding. Het wapen wordt maximaal 256 pixels breed getoond: op het portaal, in de console en in berichten.
admin-crest-save = Dit wapen gebruiken
admin-crest-missing = Kies een afbeelding van het wapen om te uploaden.
meta-city = Meld een probleem bij { $city }, vraag een dienst aan en volg wat er gebeurt. Online, op elk moment van de dag.
meta-host = Dienstverlening van de gemeenten op deze server: meld een probleem, vraag een dienst aan en volg het online.

## Beelden, waar mensen liever kijken dan lezen
form-use-location = Mijn locatie gebruiken
form-locating = Uw locatie wordt gezocht…
form-locate-failed = Uw locatie is niet gevonden. Wijs de plek aan op de kaart of typ het adres.
public-map = Kaart van de openbare meldingen

## De evaluatie over een periode
eval-period = Meldingen van { $from } tot en met { $to }: hoeveel, hoe snel, hoe tevreden.
eval-period-wrong = Deze periode kon niet worden gelezen. U ziet nu de afgelopen 90 dagen. Kies een begindatum die vóór de einddatum ligt.
eval-period-choose = De periode
eval-from = Van
eval-to = Tot en met
eval-show = Tonen
eval-trend = Verloop in de tijd
eval-trend-lead = Meldingen per { $days } dagen, voor elke dienst.
eval-trend-of = Meldingen van { $service } in de tijd: { $points }

## De dienstenmarkt in gewone woorden
market-package = Pakket
market-publisher-label = Uitgever
market-yes = Ja
market-no = Nee
market-rollback-to = Terug naar versie { $version }
form-coordinates = Liever coördinaten invullen
account-password-short = Kies een wachtwoord van minstens { $min } tekens.
account-password-long = Dit wachtwoord is te lang. Kies een wachtwoord van maximaal { $max } tekens.
account-code-wrong = Deze code klopt niet of is niet meer geldig. Controleer de code of vraag een nieuwe aan.
error-back-to-form = Terug naar het formulier
done-city = De gemeente is aangemaakt. De eerste beheerder kan nu inloggen op de console.

# The knowledge base on the portal.
help-answers = Antwoorden
help-known = Dit probleem is bekend en wordt opgelost: u hoeft het niet te melden.
help-known-short = Bekend: melden is niet nodig
help-before = Voordat u iets meldt
help-updated = Bijgewerkt op { $date }
help-services = Diensten hierover
help-missing = Dit artikel heeft nog geen tekst.
console-saved-replies = Opgeslagen antwoord
console-reply-language = In het
console-insert = Invoegen
console-suggested-articles = Artikelen hierover
console-insert-link = link invoegen
help-helpful = Dit beantwoordde mijn vraag
help-thanks = Dank u: zo weet de gemeente wat ze moet schrijven.

# The knowledge base in the console.
console-knowledge = Kennisbank
kb-title = Kennisbank
kb-new = Nieuw artikel
kb-none = Nog geen artikel.
kb-article = Artikel
kb-status = Status
kb-languages = Talen
kb-updated = Bijgewerkt
kb-replies = Opgeslagen antwoorden
kb-reply-name = Naam van het antwoord
kb-language = Taal
kb-reply-text = Tekst
kb-reply-hint = Bij het invoegen ingevuld uit de melding: {"{"}reference{"}"}, {"{"}address{"}"}, {"{"}due{"}"}.
kb-save-reply = Antwoord opslaan
kb-other-languages = Talen:
kb-see-public = Bekijk het zoals inwoners
kb-article-title = Titel
kb-body = Tekst
kb-body-hint = Markdown: lege regels tussen alinea’s, **vet**, *cursief*, lijsten met -, [links](https://…).
kb-known-issue = Dit is een bekend probleem: inwoners hoeven het niet te melden
kb-until = Een mededeling: getoond tot (optioneel)
kb-services = De diensten waar het over gaat
kb-save = Opslaan
kb-draft = Concept
kb-published = Gepubliceerd
help-suggest = Bedoelt u dit?
