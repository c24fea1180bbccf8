# Le pagine web di Carmen in italiano. Gli id sono esattamente quelli del catalogo di riferimento in inglese.

site-name = Carmen
skip-to-content = Vai al contenuto principale
language-switcher = Lingua
powered-by = Servizi per i cittadini di { $city }, ospitati da Carmen

services-title = Servizi di { $city }
services-lead = Come possiamo aiutarti? Scegli un servizio per segnalare un problema o per fare una richiesta.
services-search-label = Cerca tra i servizi
services-search-button = Cerca
services-search-results = Servizi che corrispondono a «{ $query }»
services-none = Nessun servizio corrisponde alla tua ricerca.
services-none-installed = Questo Comune non offre ancora servizi online.
services-show-all = Mostra tutti i servizi
services-public-requests = Guarda cosa hanno segnalato gli altri

form-required = (obbligatorio)
form-optional = (facoltativo)
form-submit = Invia
form-errors-title = C'è un problema
form-errors-lead = Controlla quello che è segnalato qui sotto e invia di nuovo.
form-description = Raccontaci di più
form-description-help = Tutto ciò che aiuta il Comune a capire la richiesta.
form-location = Dov'è?
form-address = Indirizzo
form-address-help = Via e numero civico, oppure un luogo che il Comune può trovare.
form-latitude = Latitudine
form-longitude = Longitudine
form-coordinates-help = Se le conosci: gradi decimali, per esempio 45.4642 e 9.1900.
form-contact = Come può contattarti il Comune?
form-contact-help = Il Comune usa questi dati solo per questa richiesta. Non sono mai mostrati pubblicamente.
form-name = Nome
form-email = Indirizzo e-mail
form-phone = Numero di telefono
form-choose = Scegli un'opzione
form-choose-many = Scegli tutte le opzioni che ti riguardano
form-back = Torna ai servizi
form-public-note = Le richieste a questo servizio sono pubbliche: chiunque può vedere quello che scrivi qui, tranne i tuoi dati di contatto.
form-private-note = Le richieste a questo servizio sono private: possono vederle solo tu e il personale del Comune.

submitted-title = La tua richiesta è stata inviata
submitted-reference = Il tuo numero di riferimento è
submitted-answer = La risposta
submitted-follow = Segui la tua richiesta
submitted-follow-lead = Conserva questo link: è l'unico modo per seguire la tua richiesta senza un account. Chiunque abbia il link può leggerla.
submitted-open-link = Apri la mia richiesta
submitted-another = Fai un'altra richiesta

request-title = Richiesta { $id }
request-service = Servizio
request-status = Stato
request-filed = Inviata il
request-updated = Ultimo aggiornamento
request-due = Prevista entro il
request-where = Dove
request-details = Dettagli
request-timeline = Cosa è successo
request-messages = Messaggi
request-no-messages = Ancora nessun messaggio.
request-from-city = Dal Comune
request-from-you = Da te
request-public = Questa richiesta è pubblica.
request-private = Questa richiesta è privata: possono vederla solo tu e il personale del Comune.
request-duplicate = Questa richiesta è un duplicato della richiesta { $id }.

timeline-submitted = Inviata
timeline-changed = Stato cambiato in «{ $status }»

status-submitted = Inviata
status-acknowledged = Ricevuta
status-in-progress = In lavorazione
status-resolved = Risolta
status-closed = Chiusa
status-rejected = Non accolta
status-duplicate = Duplicata

public-title = Cosa hanno segnalato gli altri a { $city }
public-lead = Richieste pubbliche, dalla più recente. I dati di contatto e le risposte private non sono mai mostrati.
public-none = Non c'è ancora nessuna segnalazione pubblica.
public-view = Visualizza

error-title = Qualcosa è andato storto
error-not-found = Questa pagina non esiste.
error-not-found-city = Non c'è nessun Comune a questo indirizzo.
error-csrf = Questo modulo è scaduto o non proviene da questo sito. Torna indietro, ricarica la pagina e invialo di nuovo: non è stato inviato nulla.
error-busy = In questo momento il servizio è occupato. Riprova tra poco: non è stato inviato nulla.
error-failed = Il servizio non ha potuto accettare la tua richiesta. Riprova più tardi: non è stato inviato nulla.
error-service-fault = Questo servizio ha un guasto e per ora non può accettare richieste: riprovare non servirà finché il comune non lo avrà riparato. Non è stato inviato nulla.
city-moved = { $city } si è trasferito: i suoi servizi, e le tue richieste, ora sono su
error-back = Vai ai servizi

follow-write = Scrivi al Comune
follow-write-label = Il tuo messaggio
follow-write-send = Invia il messaggio
follow-resolved-title = Il Comune indica che la richiesta è risolta
follow-resolved-lead = Se sei d'accordo, accetta la soluzione. Se no, spiega al Comune perché e la richiesta verrà riaperta.
follow-accept = Accetta la soluzione
follow-reject-label = Perché non è risolta?
follow-reject = Non è risolta
follow-rate-title = Qual è il tuo grado di soddisfazione?
follow-rate-lead = Valuta come il Comune ha gestito la tua richiesta, da 1 (molto insoddisfatto) a 5 (molto soddisfatto).
follow-rate-score = La tua valutazione
follow-rate-comment = C'è altro che vuoi dire al Comune?
follow-rate-send = Invia la valutazione
follow-rated = Hai dato a questa richiesta { $score } su 5. Grazie.
rating-1 = 1 – molto insoddisfatto
rating-2 = 2 – insoddisfatto
rating-3 = 3 – né soddisfatto né insoddisfatto
rating-4 = 4 – soddisfatto
rating-5 = 5 – molto soddisfatto
error-invalid = Non è stato possibile completare l'operazione: { $reason }

console-title = Console del Comune
console-sign-in = Accedi
console-sign-in-title = Accedi alla console di { $city }
console-email = Indirizzo e-mail
console-password = Password di accesso
console-sign-in-failed = L'indirizzo e-mail o la password non sono corretti.
console-sign-out = Esci
console-signed-in-as = Accesso effettuato come { $role }
console-not-staff = Solo il personale di questo Comune può usare la sua console.
console-queue = Pratiche
console-filter = Filtra
console-filter-status = Stato
console-filter-any = Tutti
console-filter-department = Ufficio
console-filter-service = Servizio
console-filter-text = Testo
console-filter-overdue = Solo in ritardo
console-filter-apply = Applica i filtri
console-total = { $total ->
    [one] { $total } pratica
   *[other] { $total } pratiche
}
console-none = Nessuna pratica corrisponde.
console-overdue = In ritardo
console-page-previous = Pagina precedente
console-page-next = Pagina successiva
console-case-title = Pratica { $id }
console-contact = Contatti
console-no-contact = Nessun dato di contatto.
console-department = Ufficio
console-assignee = Assegnata a
console-unassigned = Nessuno
console-history = Cronologia
console-thread = Conversazione
console-internal = Nota interna
console-change-status = Cambia lo stato
console-new-status = Nuovo stato
console-status-note = Nota per il cittadino
console-duplicate-of = Duplicato della pratica numero
console-change = Cambia stato
console-reply = Risposta o nota
console-reply-body = Messaggio
console-reply-internal = Nota interna (il cittadino non la vede)
console-reply-send = Invia
console-assign = Assegna
console-assign-to = Numero del dipendente
console-assign-send = Assegna
console-back = Torna alle pratiche
console-rating = La valutazione del cittadino

market-title = Mercato dei servizi
market-lead = Servizi pubblicati da altri Comuni. Installane uno e i cittadini potranno usarlo subito.
market-search-label = Cerca nel mercato dei servizi
market-search = Cerca
market-none = Nessun servizio corrisponde.
market-more = Altri servizi
market-no-registry = Su questo server non è configurato alcun registro condiviso.
market-installed = Installato: versione { $version }
market-publisher = Pubblicato da { $publisher } ({ $city })
market-key = Impronta della chiave di firma
market-cities = Comuni che lo usano
market-no-cities = Nessun Comune ha ancora comunicato di usarlo.
market-versions = Versioni
market-version = Versione
market-published = Pubblicata
market-contract = Contratto
market-yanked = ritirata
market-deprecated = deprecata: { $message }
market-asks = Cosa può fare
market-asks-nothing = Non chiede alcuna autorizzazione.
market-approve = Gli permetto di: { $capability }
market-settings = Impostazioni
market-report = Comunica al registro che { $city } lo usa (nessun dato personale)
market-install = Installa
market-upgrade = Aggiorna alla versione { $version }
market-upgrade-new = La nuova versione chiede anche di:
market-hosts = Indirizzi che chiama
market-hosts-lead = Invia richieste solo a questi indirizzi. Un nome tra ‹virgolette› è un'impostazione da compilare qui sotto: chiama l'indirizzo che vi scrivete.
market-approve-hosts = Approvo le sue richieste a questi indirizzi: { $hosts }
market-rollback = Torna alla versione precedente
market-uninstall = Disinstalla
market-not-admin = Solo un amministratore del Comune può installare, aggiornare o rimuovere servizi.
market-done = Fatto.
capability-cases = aprire pratiche, leggerle e cambiarne lo stato
capability-store = conservare dati propri (come le prenotazioni)
capability-notify = inviare messaggi ai cittadini
capability-config = leggere le impostazioni fornite dal Comune
capability-log = scrivere nel log tecnico del Comune
capability-clock = conoscere la data e l'ora attuali
capability-requester = riconoscere chi invia una richiesta (come identificativo anonimo)
capability-http = chiamare le applicazioni del comune agli indirizzi approvati
console-marketplace = Mercato dei servizi

account-title = Il tuo account
account-link = Il tuo account
account-register = Crea un account
account-register-lead = Con un account vedi tutte le tue richieste in un unico posto e il Comune può avvisarti prima di una scadenza.
account-name = Il tuo nome
account-email = Indirizzo e-mail
account-phone = Numero di telefono (facoltativo)
account-password = Password (almeno { $min } caratteri)
account-consent = Il Comune può contattarmi di sua iniziativa, per esempio per ricordarmi che un documento sta per scadere.
account-registered = Se questo indirizzo può essere usato, ti abbiamo inviato un codice. Accedi e inserisci il codice per confermarlo.
account-sign-in = Accedi
account-sign-in-lead = Accedi per vedere le tue richieste.
account-sign-in-failed = L'indirizzo e-mail o la password non sono corretti.
account-sign-out = Esci
account-verified = confermato
account-not-verified = non ancora confermato
account-verify = Conferma i tuoi dati di contatto
account-verify-channel = Che cosa stai confermando?
account-code = Il codice che ti abbiamo inviato
account-verify-send = Conferma
account-resend = Invia di nuovo i codici
account-requests = Le tue richieste
account-no-requests = Non hai ancora inviato nessuna richiesta.
account-requests-older = Richieste precedenti
account-export = Scarica i tuoi dati
account-export-lead = Tutto ciò che il Comune conserva su di te, in un file.
account-erase = Elimina il tuo account
account-erase-lead = Il tuo account e i tuoi dati di contatto vengono eliminati e i servizi del Comune si dimenticano di te. Le tue richieste restano, senza il tuo nome.
account-erase-confirm = Ho capito: elimina il mio account
account-erased = Il tuo account è stato eliminato.
account-erased-services = Questi servizi si sono dimenticati di te: { $services }
account-erased-pending = Questi servizi ti dimenticheranno appena possibile: { $services }

org-title = Organizzazioni
org-lead = Un'impresa o un'associazione per cui agisci: le sue richieste sono condivise da tutti i suoi rappresentanti.
org-none = Non agisci per nessuna organizzazione.
org-create = Registra un'organizzazione
org-name = Nome dell'organizzazione
org-kind = Di che cosa si tratta?
org-business = Un'impresa
org-association = Un'associazione
org-owner = titolare
org-representatives = Rappresentanti
org-add = Invita un rappresentante
org-add-email = Il suo indirizzo e-mail (quello confermato sul suo account qui)
org-add-send = Invita
org-invited = Invito inviato. Chi ha confermato questo indirizzo sul proprio account qui lo troverà nella pagina del suo account; diventa rappresentante quando lo accetta.
org-pending = Invitati, in attesa di risposta
account-invitations = Inviti
account-invitation = { $name } ti invita ad agire per suo conto.
invitation-accept = Accetta
invitation-decline = Rifiuta
org-requests = Richieste fatte per conto di { $name }
org-no-requests = Non è ancora stata fatta nessuna richiesta per conto di questa organizzazione.
org-export = Scarica i dati dell'organizzazione
org-erase = Elimina l'organizzazione
org-erase-lead = L'organizzazione, i suoi rappresentanti e i dati di contatto presenti nelle sue richieste vengono eliminati. Le richieste restano, senza questi dati.
org-erase-confirm = Ho capito: elimina l'organizzazione
org-erased = L'organizzazione è stata eliminata.
org-on-behalf = Per conto di
org-myself = Me stesso

admin-title = Amministrazione del Comune
admin-faults-title = Servizi con un guasto
admin-faults-lead = Questi servizi falliscono quando vengono chiamati: ai cittadini viene detto che il servizio ha un guasto. Riportali alla versione precedente o aggiornali nel catalogo, oppure chiedi una correzione a chi li pubblica.
admin-fault-seen = fallito { $count } volte, dal { $since } al { $last }
admin-only = Solo un amministratore del Comune può fare questa modifica.
admin-settings = Impostazioni
admin-reopen-days = Giorni a disposizione del cittadino per rifiutare una soluzione
admin-messages-per-day = Numero massimo di messaggi che i servizi del Comune possono inviare in un giorno
admin-public-location = Mostra il luogo delle richieste pubbliche
admin-save = Salva
admin-departments = Uffici
admin-department-code = Codice (lettere, cifre e trattini)
admin-department-name = Nome
admin-department-add = Aggiungi l'ufficio
admin-routes = Smistamento
admin-routes-lead = Le pratiche di un servizio (e di una sua categoria) vengono assegnate a un ufficio.
admin-route-service = Servizio
admin-route-category = Categoria (vuota: tutte le categorie)
admin-route-department = Ufficio
admin-route-set = Imposta lo smistamento
admin-staff = Personale
admin-staff-role = Ruolo
admin-staff-admin = Amministratore
admin-staff-staff = Dipendente
admin-staff-add = Aggiungi la persona
admin-keys = Chiavi API
admin-keys-lead = Una chiave permette a un'applicazione (come un'app Open311) di inviare richieste al Comune.
admin-key-label = A cosa serve la chiave
admin-key-issue = Genera una chiave
admin-key-issued = La nuova chiave (viene mostrata solo questa volta: copiala subito)
admin-key-id = Identificativo della chiave
admin-key-revoke = Revoca la chiave
admin-audit = Registro delle attività
admin-audit-when = Quando
admin-audit-who = Chi
admin-audit-what = Cosa
admin-audit-object = Su
admin-audit-older = Voci precedenti
admin-saved = Salvato.
console-administration = Amministrazione
operator-title = Console dell'operatore
operator-sign-in = Accedi come operatore
operator-cities = Comuni
operator-city-slug = Indirizzo (slug: lettere minuscole, cifre e trattini)
operator-city-name = Nome del Comune
operator-admin-name = Nome del suo primo amministratore
operator-admin-email = Il suo indirizzo e-mail
operator-admin-password = La sua password (almeno { $min } caratteri)
operator-create = Crea il Comune
operator-health = Stato della piattaforma
operator-health-cities = Comuni
operator-health-installs = Servizi installati
operator-health-database = Banca dati
operator-health-registry = Registro condiviso
operator-none = nessuno

form-photos = Allega delle foto
form-photos-help = Fino a 3 immagini (JPEG, PNG o WebP, al massimo 5 MB ciascuna). Il Comune rimuove i dati della fotocamera, come il luogo in cui è stata scattata la foto.
request-photos = Fotografie
request-photo = Foto { $n }

form-map = Mappa: scegli dove si trova
form-map-help = Tocca o fai clic sulla mappa per mettere il segnaposto, oppure
admin-map-tiles = Tessere della mappa (modello di URL con {"{"}z{"}"}, {"{"}x{"}"} e {"{"}y{"}"}; vuoto: nessuna mappa)
admin-map-zoom = Livello di zoom della mappa (da 1 a 19)

home-title = Scegli il tuo Comune
home-lead = Ogni Comune offre qui i propri servizi.
cities-more = Altri Comuni
prefs-title = Come ti contatta il Comune
prefs-language = Lingua dei messaggi
prefs-channel = Invia i messaggi per
prefs-channel-email = posta elettronica
prefs-channel-sms = SMS
prefs-consent = Il Comune può contattarmi prima che io lo chieda, per esempio per ricordarmi la scadenza di un documento.
prefs-save = Salva le preferenze

mail-unsubscribe = Per non ricevere più messaggi come questo, apri
unsubscribe-title = Interrompi i messaggi come questo
unsubscribe-lead = Il Comune non ti invierà più messaggi che non hai chiesto. I messaggi sulle tue richieste continueranno ad arrivarti.
unsubscribe-confirm = Interrompi questi messaggi
unsubscribe-done = Fatto: non riceverai più messaggi come questo.

survey-subject = Com'è andata con la tua richiesta { $id }?
survey-body = La tua richiesta { $id } ({ $title }) è stata risolta. Quanto sei soddisfatto? Apri il collegamento della tua risposta:
survey-title = Quanto sei soddisfatto?
survey-lead = La tua risposta aiuta il Comune a migliorare questo servizio.
survey-thanks = Grazie: la tua valutazione è stata registrata.

eval-title = Come funzionano i servizi
eval-lead = Richieste inviate negli ultimi 90 giorni: quante, con quale rapidità, con quale soddisfazione.
eval-service = Servizio
eval-volume = Richieste
eval-first-response = Prima risposta (mediana)
eval-resolve = Risolte in (mediana / 90%)
eval-sla = Nei tempi
eval-reopen = Riaperte
eval-satisfaction = Soddisfazione
eval-messages = Messaggi inviati / non riusciti / fermati
eval-articles = Articoli letti / utili / segnalazioni evitate
eval-distribution = Valutazioni di { $service }: { $counts }
eval-none = Nessuna richiesta in questo periodo.
eval-csv = Scarica in formato CSV
console-evaluation = Valutazione

market-evidence = Come è andato nei Comuni che lo hanno sperimentato
market-no-evidence = Nessun Comune ha ancora pubblicato i propri dati.
market-publish-evidence = Pubblica i nostri dati (aggregati, senza dati personali)
market-city = Comune

check-no-such-field = questo servizio non ha questo campo
check-required = { $label }: campo obbligatorio
check-one-value = accetta un solo valore
check-too-long = supera i { $max } caratteri
check-not-number = «{ $value }» non è un numero
check-not-date = «{ $value }» non è una data (AAAA-MM-GG)
check-not-choice = «{ $value }» non è tra: { $choices }
check-twice = contiene due volte lo stesso valore
check-location-required = serve un luogo (coordinate o indirizzo)
check-coordinates-range = la latitudine va da -90 a 90 e la longitudine da -180 a 180
check-coordinates-pair = indica sia la latitudine sia la longitudine, oppure nessuna delle due
check-contact-required = servono i tuoi recapiti (un indirizzo e-mail o un numero di telefono)
check-email = questo non è un indirizzo e-mail
check-phone = questo non è un numero di telefono (usa la forma internazionale, per esempio +39 06 1234 5678)

admin-quiet-start = Nessun messaggio non richiesto dalle (ora, da 0 a 23)
admin-quiet-end = fino alle (ora)
admin-time-zone = Fuso orario
admin-time-zone-help = Pagine, e-mail e ore di silenzio seguono il suo orologio, ora legale compresa: un nome come Europe/Rome.

account-inbox = I tuoi messaggi
account-inbox-empty = Ancora nessun messaggio. I messaggi arrivano qui dopo che hai confermato l'indirizzo e-mail o il numero di telefono.

digest-subject = Novità dove segui: { $count }
digest-lead = Dal tuo ultimo aggiornamento:

follow-this = Segui questa richiesta
follows-title = Cosa segui
follows-none = Non segui ancora nulla. Nella pagina di una richiesta pubblica, scegli «Segui questa richiesta».
follows-area = Entro { $radius } m da { $at }
follows-stop = Smetti di seguire
market-job-gone = Questa pagina non c’è più: il lavoro non è noto (è finito più di un’ora fa, o il server è ripartito). Il catalogo mostra cosa è installato.
market-job-running = Compilazione del servizio: { $seconds } s finora. Un componente grande (Python, JavaScript) richiede fino a un minuto; intanto serve la versione precedente.
market-job-done = Fatto in { $seconds } s.
market-job-failed = Rifiutato; nulla è cambiato:

## Pages, round two: who is signed in, what an action did, the console's words
signed-in-as = Accesso come { $name }
form-error-coordinates = Latitudine e longitudine sono numeri decimali, come 45,4642
error-choose-rating = Scegli un voto da 1 a 5
error-not-a-number = «{ $value }» non è un numero
admin-no-such-key = Qui non c'è nessuna chiave «{ $key }»
done-reply = La risposta è stata inviata.
done-note = La nota interna è stata salvata.
done-status = Lo stato è stato cambiato.
done-assigned = La pratica è stata assegnata.
done-message = Il messaggio è stato inviato al comune.
done-accepted = Grazie: la segnalazione è chiusa.
done-rejected = La segnalazione è stata riaperta: il comune la riesaminerà.
done-rated = Grazie per la valutazione.
done-installed = Il servizio è stato installato.
done-upgraded = Il servizio è stato aggiornato.
done-rolled-back = È tornata la versione precedente.
done-uninstalled = Il servizio è stato disinstallato.
done-evidence = I dati sono stati pubblicati nel registro.
done-saved = Le modifiche sono state salvate.
done-verified = Il recapito è confermato.
done-codes-sent = Sono stati inviati nuovi codici.
done-unfollowed = Non la segui più.
done-followed = Ora segui questa segnalazione.
done-joined = Ora rappresenti questa organizzazione.
done-declined = L'invito è stato rifiutato.
age-minutes = { $count ->
    [one] { $count } minuto
   *[other] { $count } minuti
}
age-hours = { $count ->
    [one] { $count } ora
   *[other] { $count } ore
}
age-days = { $count ->
    [one] { $count } giorno
   *[other] { $count } giorni
}
console-by-citizen = il cittadino
console-by-city = il comune
console-by-system = Carmen
console-case = Pratica
console-age = Età
console-pages = Pagine
console-choose-status = Scegli uno stato
market-uninstall-lead = I cittadini non potranno più usare il servizio; le sue pratiche restano in coda e i suoi dati restano finché non li cancelli.
market-uninstall-confirm = Sì, disinstalla { $name }

## Dates, on the city's clock
date-long = { $day } { $month } { $year }
moment = { $date }, ore { $time }
month-1 = gennaio
month-2 = febbraio
month-3 = marzo
month-4 = aprile
month-5 = maggio
month-6 = giugno
month-7 = luglio
month-8 = agosto
month-9 = settembre
month-10 = ottobre
month-11 = novembre
month-12 = dicembre

## Messages Carmen itself sends
mail-code-subject = Il tuo codice di verifica
mail-code-body = Il tuo codice è { $code }. Inseriscilo per confermare che questo recapito è tuo; scade tra 30 minuti.
mail-taken-subject = Qualcuno ha provato a registrarsi con il tuo indirizzo e-mail
mail-taken-body = Qualcuno ha provato a creare un account con questo indirizzo e-mail, che ne ha già uno. Se sei stato tu, accedi. Altrimenti non devi fare nulla.
mail-reply-subject = Risposta alla tua segnalazione { $id }: { $title }
mail-overdue-subject = In ritardo: pratica { $id } ({ $title })
mail-overdue-body = La pratica { $id } di { $service } ({ $department }) scadeva il { $due } ed è ancora «{ $status }».
mail-fault-subject = Il servizio { $service } ha un guasto
mail-fault-body = Dal { $when } { $service } { $version } fallisce quando viene chiamato: { $message } Ai cittadini viene detto che il servizio ha un guasto e che riprovare non servirà. Riportalo alla versione precedente, aggiornalo o chiedi una correzione a chi lo pubblica; la pagina di amministrazione mostra il guasto e quante volte si ripete. Ricevi questo avviso una sola volta per ogni versione.

## A city's own face
admin-colour = Il colore del comune
admin-colour-help = Lo prendono l'intestazione e i pulsanti, con testo bianco sopra: un colore scuro, scritto come #1d4f91.
admin-crest = Lo stemma del comune
admin-crest-of = Lo stemma di { $city }
admin-crest-file = Un'immagine dello stemma
admin-crest-help = Un'immagine PNG, JPEG o WebP; è mostrata al massimo larga 256 pixel, sul portale, nella console e nei messaggi.
admin-crest-save = Usa questo stemma
admin-crest-missing = Scegli un'immagine dello stemma da caricare.
meta-city = Segnala un problema a { $city }, chiedi un servizio e segui cosa succede, online a ogni ora.
meta-host = I servizi ai cittadini dei comuni ospitati qui: segnala un problema, chiedi un servizio, seguilo online.

## Pictures where people would rather look
form-use-location = Usa la mia posizione
form-locating = Sto cercando dove ti trovi…
form-locate-failed = Non è stato possibile trovare la tua posizione: metti il segnaposto sulla mappa o scrivi l'indirizzo.
public-map = Mappa delle segnalazioni pubbliche

## The evaluation over a period
eval-period = Segnalazioni dal { $from } al { $to }: quante, quanto veloci, quanto soddisfatti.
eval-period-wrong = Non è stato possibile leggere il periodo: sono mostrati gli ultimi 90 giorni. Scegli un primo giorno prima dell'ultimo.
eval-period-choose = Il periodo
eval-from = Dal
eval-to = Al
eval-show = Mostra
eval-trend = Nel tempo
eval-trend-lead = Segnalazioni ogni { $days } giorni, per ogni servizio.
eval-trend-of = Segnalazioni di { $service } nel tempo: { $points }

## The marketplace in people's words
market-package = Pacchetto
market-publisher-label = Editore
market-yes = Sì
market-no = No
market-rollback-to = Torna alla versione { $version }
form-coordinates = Inserisci invece le coordinate
account-password-short = Scegli una password di almeno { $min } caratteri.
account-password-long = Questa password è troppo lunga: scegline una di al massimo { $max } caratteri.
account-code-wrong = Il codice non è giusto, o non è più valido: controllalo, o chiedine uno nuovo.
error-back-to-form = Torna al modulo
done-city = Il comune è stato creato; il suo primo amministratore può accedere alla console.

# The knowledge base on the portal.
help-answers = Risposte
help-known = Questo problema è noto e se ne sta occupando qualcuno: non serve segnalarlo.
help-known-short = Noto: non serve segnalarlo
help-before = Prima di segnalare
help-updated = Aggiornato il { $date }
help-services = Servizi collegati
help-missing = Questo articolo non ha ancora un testo.
console-saved-replies = Risposta salvata
console-reply-language = Lingua
console-insert = Inserisci
console-suggested-articles = Articoli su questo
console-insert-link = inserisci il link
help-helpful = Questo ha risposto alla mia domanda
help-thanks = Grazie: aiuta il comune a sapere cosa scrivere.

# The knowledge base in the console.
console-knowledge = Base di conoscenza
kb-title = Base di conoscenza
kb-new = Nuovo articolo
kb-none = Ancora nessun articolo.
kb-article = Articolo
kb-status = Stato
kb-languages = Lingue
kb-updated = Aggiornato
kb-replies = Risposte salvate
kb-reply-name = Nome della risposta
kb-language = Lingua
kb-reply-text = Testo
kb-reply-hint = Compilati dalla pratica quando la inserisci: {"{"}reference{"}"}, {"{"}address{"}"}, {"{"}due{"}"}.
kb-save-reply = Salva la risposta
kb-other-languages = Lingue:
kb-see-public = Vedilo come i cittadini
kb-article-title = Titolo
kb-body = Testo
kb-body-hint = Markdown: righe vuote tra i paragrafi, **grassetto**, *corsivo*, elenchi con -, [link](https://…).
kb-known-issue = È un problema noto: i cittadini non devono segnalarlo
kb-until = Un avviso: mostrato fino al (facoltativo)
kb-services = I servizi di cui parla
kb-save = Salva
kb-draft = Bozza
kb-published = Pubblicato
help-suggest = Intendi questo?
