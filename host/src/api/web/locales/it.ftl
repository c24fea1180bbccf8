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
error-back = Vai ai servizi
