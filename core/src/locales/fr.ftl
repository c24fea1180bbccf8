# Les pages web de Carmen en français. Les identifiants sont exactement ceux du catalogue de référence en anglais.

site-name = Carmen
skip-to-content = Aller au contenu principal
language-switcher = Langue
powered-by = Services aux citoyens à { $city }, hébergés par Carmen

services-title = Services en ligne – { $city }
services-lead = Comment pouvons-nous vous aider ? Choisissez un service pour signaler un problème ou pour faire une demande.
services-search-label = Rechercher un service
services-search-button = Rechercher
services-search-results = Services correspondant à « { $query } »
services-none = Aucun service ne correspond à votre recherche.
services-none-installed = Cette ville ne propose encore aucun service en ligne.
services-show-all = Afficher tous les services
services-public-requests = Voir ce que les autres ont signalé

form-required = (obligatoire)
form-optional = (facultatif)
form-submit = Envoyer
form-errors-title = Il y a un problème
form-errors-lead = Vérifiez ce qui est signalé ci-dessous et renvoyez le formulaire.
form-description = Dites-nous-en plus
form-description-help = Tout ce qui aide la ville à comprendre la demande.
form-location = Où est-ce ?
form-address = Adresse
form-address-help = Une rue et un numéro, ou un lieu que la ville peut trouver.
form-latitude = Latitude (en degrés)
form-longitude = Longitude (en degrés)
form-coordinates-help = Si vous les connaissez : degrés décimaux, par exemple 45.4642 et 9.1900.
form-contact = Comment la ville peut-elle vous contacter ?
form-contact-help = La ville utilise ces coordonnées uniquement pour cette demande. Elles ne sont jamais affichées publiquement.
form-name = Nom
form-email = Adresse e-mail
form-phone = Numéro de téléphone
form-choose = Choisissez une option
form-choose-many = Choisissez toutes les réponses qui conviennent
form-back = Retour aux services
form-public-note = Les demandes adressées à ce service sont publiques : tout le monde peut voir ce que vous écrivez ici, sauf vos coordonnées.
form-private-note = Les demandes adressées à ce service sont privées : seuls vous et le personnel de la ville pouvez les voir.

submitted-title = Votre demande a été envoyée
submitted-reference = Votre numéro de référence est
submitted-answer = La réponse
submitted-follow = Suivre votre demande
submitted-follow-lead = Conservez ce lien : c'est le seul moyen de suivre votre demande sans compte. Toute personne qui a le lien peut la lire.
submitted-open-link = Ouvrir ma demande
submitted-another = Faire une autre demande

request-title = Demande { $id }
request-service = Service concerné
request-status = Statut
request-filed = Envoyée le
request-updated = Dernière mise à jour
request-due = Prévue d'ici le
request-where = Où
request-details = Détails
request-timeline = Ce qui s'est passé
request-messages = Échanges
request-no-messages = Aucun message pour l'instant.
request-from-city = De la ville
request-from-you = De vous
request-public = Cette demande est publique.
request-private = Cette demande est privée : seuls vous et le personnel de la ville pouvez la voir.
request-duplicate = Cette demande est un doublon de la demande { $id }.

timeline-submitted = Envoyée
timeline-changed = Statut passé à « { $status } »

status-submitted = Envoyée
status-acknowledged = Reçue
status-in-progress = En cours
status-resolved = Résolue
status-closed = Clôturée
status-rejected = Non retenue
status-duplicate = Doublon

public-title = Ce que les autres ont signalé à { $city }
public-lead = Demandes publiques, des plus récentes aux plus anciennes. Les coordonnées et les réponses privées ne sont jamais affichées.
public-none = Rien n'a encore été signalé publiquement.
public-view = Voir

error-title = Un problème est survenu
error-not-found = Cette page n'existe pas.
error-not-found-city = Il n'y a aucune ville à cette adresse.
error-csrf = Ce formulaire a expiré ou ne provient pas de ce site. Revenez en arrière, rechargez la page et renvoyez le formulaire : rien n'a été envoyé.
error-busy = Le service est très sollicité en ce moment. Réessayez dans un instant : rien n'a été envoyé.
error-failed = Le service n'a pas pu enregistrer votre demande. Réessayez plus tard : rien n'a été envoyé.
error-service-fault = Ce service a une panne et ne peut pas recevoir de demandes pour l’instant : réessayer n’y changera rien tant que la ville ne l’aura pas réparé. Rien n’a été envoyé.
city-moved = { $city } a déménagé : ses services, et vos demandes, sont désormais sur
error-back = Aller aux services

follow-write = Écrire à la ville
follow-write-label = Votre message
follow-write-send = Envoyer le message
follow-resolved-title = La ville indique que votre demande est résolue
follow-resolved-lead = Si vous êtes d'accord, acceptez la résolution. Sinon, expliquez à la ville pourquoi et la demande sera rouverte.
follow-accept = Accepter la résolution
follow-reject-label = Pourquoi n'est-elle pas résolue ?
follow-reject = Elle n'est pas résolue
follow-rate-title = Quel est votre degré de satisfaction ?
follow-rate-lead = Évaluez la façon dont la ville a traité votre demande, de 1 (très insatisfait) à 5 (très satisfait).
follow-rate-score = Votre note
follow-rate-comment = Souhaitez-vous ajouter quelque chose pour la ville ?
follow-rate-send = Envoyer la note
follow-rated = Vous avez attribué la note de { $score } sur 5 à cette demande. Merci.
rating-1 = 1 – très insatisfait
rating-2 = 2 – insatisfait
rating-3 = 3 – ni satisfait ni insatisfait
rating-4 = 4 – satisfait
rating-5 = 5 – très satisfait
error-invalid = L'opération n'a pas pu aboutir : { $reason }

console-title = Console de la ville
console-sign-in = Se connecter
console-sign-in-title = Connectez-vous à la console de { $city }
console-email = Adresse e-mail
console-password = Mot de passe
console-sign-in-failed = L'adresse e-mail ou le mot de passe est incorrect.
console-sign-out = Se déconnecter
console-signed-in-as = Session ouverte en tant que { $role }
console-not-staff = Seul le personnel de cette ville peut utiliser sa console.
console-queue = Dossiers
console-filter = Filtrer
console-filter-status = Statut
console-filter-any = Tous
console-filter-department = Direction
console-filter-service = Service concerné
console-filter-text = Texte
console-filter-overdue = En retard uniquement
console-filter-apply = Appliquer les filtres
console-total = { $total ->
    [one] { $total } dossier
   *[other] { $total } dossiers
}
console-none = Aucun dossier ne correspond.
console-overdue = En retard
console-page-previous = Page précédente
console-page-next = Page suivante
console-case-title = Dossier { $id }
console-contact = Coordonnées
console-no-contact = Aucune coordonnée.
console-department = Direction
console-assignee = Attribué à
console-unassigned = Personne
console-history = Historique
console-thread = Fil des échanges
console-internal = Note interne
console-change-status = Changer le statut
console-new-status = Nouveau statut
console-status-note = Note pour le citoyen
console-duplicate-of = Doublon du dossier numéro
console-change = Modifier le statut
console-reply = Réponse ou note
console-reply-body = Texte du message
console-reply-internal = Note interne (le citoyen ne la voit pas)
console-reply-send = Envoyer
console-assign = Attribuer
console-assign-to = Numéro de l'agent
console-assign-send = Attribuer
console-back = Retour aux dossiers
console-rating = La note du citoyen

market-title = Place de marché des services
market-lead = Services publiés par d'autres villes. Installez-en un et vos citoyens pourront l'utiliser immédiatement.
market-search-label = Rechercher dans la place de marché
market-search = Rechercher
market-none = Aucun service ne correspond.
market-no-registry = Aucun registre partagé n'est configuré sur ce serveur.
market-installed = Installé : version { $version }
market-publisher = Publié par { $publisher } ({ $city })
market-key = Empreinte de la clé de signature
market-cities = Villes qui l'utilisent
market-no-cities = Aucune ville n'a encore signalé l'utiliser.
market-versions = Versions disponibles
market-version = Numéro de version
market-published = Publiée
market-contract = Contrat
market-yanked = retirée
market-deprecated = obsolète : { $message }
market-asks = Ce qu'il peut faire
market-asks-nothing = Il ne demande aucune autorisation.
market-approve = Je l'autorise à : { $capability }
market-settings = Paramètres
market-report = Indiquer au registre que { $city } l'utilise (aucune donnée personnelle)
market-install = Installer
market-upgrade = Mettre à jour vers la version { $version }
market-upgrade-new = La nouvelle version demande aussi à :
market-hosts = Adresses qu'il appelle
market-hosts-lead = Il n'envoie de requêtes qu'à ces adresses. Un nom entre ‹chevrons› est un réglage à remplir ci-dessous : il appelle l'adresse que vous y écrivez.
market-approve-hosts = J'approuve ses requêtes vers ces adresses : { $hosts }
market-rollback = Revenir à la version précédente
market-uninstall = Désinstaller
market-not-admin = Seul un administrateur de la ville peut installer, mettre à jour ou retirer des services.
market-done = C'est fait.
capability-cases = ouvrir des dossiers, les lire et changer leur statut
capability-store = conserver ses propres données (comme les réservations)
capability-notify = envoyer des messages aux citoyens
capability-config = lire les paramètres que la ville lui fournit
capability-log = écrire dans le journal technique de la ville
capability-clock = connaître la date et l'heure actuelles
capability-requester = reconnaître qui envoie une demande (sous forme d'identifiant anonyme)
capability-http = appeler les applications de la ville aux adresses approuvées
console-marketplace = Place de marché

account-title = Votre compte
account-link = Votre compte
account-register = Créer un compte
account-register-lead = Avec un compte, vous voyez toutes vos demandes au même endroit et la ville peut vous prévenir avant une échéance.
account-name = Votre nom
account-email = Adresse e-mail
account-phone = Numéro de téléphone (facultatif)
account-password = Mot de passe (au moins { $min } caractères)
account-consent = La ville peut me contacter sans que je le demande, par exemple pour me prévenir avant l'expiration d'un document.
account-registered = Si cette adresse peut être utilisée, nous y avons envoyé un code. Connectez-vous et saisissez le code pour la confirmer.
account-sign-in = Se connecter
account-sign-in-lead = Connectez-vous pour voir vos demandes.
account-sign-in-failed = L'adresse e-mail ou le mot de passe est incorrect.
account-sign-out = Se déconnecter
account-verified = confirmation effectuée
account-not-verified = en attente de confirmation
account-verify = Confirmez vos coordonnées
account-verify-channel = Que confirmez-vous ?
account-code = Le code que nous vous avons envoyé
account-verify-send = Confirmer
account-resend = Renvoyer les codes
account-requests = Vos demandes
account-no-requests = Vous n'avez encore envoyé aucune demande.
account-export = Télécharger vos données
account-export-lead = Tout ce que la ville conserve sur vous, dans un fichier.
account-erase = Supprimer votre compte
account-erase-lead = Votre compte et vos coordonnées sont supprimés, et les services de la ville vous oublient. Vos demandes sont conservées, sans votre nom.
account-erase-confirm = J'ai compris : supprimer mon compte
account-erased = Votre compte a été supprimé.
account-erased-services = Ces services vous ont oublié : { $services }
account-erased-pending = Ces services vous oublieront dès que possible : { $services }

org-title = Vos organisations
org-lead = Une entreprise ou une association pour laquelle vous agissez : ses demandes sont partagées entre tous ses représentants.
org-none = Vous n'agissez pour aucune organisation.
org-create = Enregistrer une organisation
org-name = Nom de l'organisation
org-kind = De quoi s'agit-il ?
org-business = Une entreprise
org-association = Une association
org-owner = titulaire
org-representatives = Représentants
org-add = Inviter un représentant
org-add-email = Son adresse e-mail (celle confirmée sur son compte ici)
org-add-send = Inviter
org-invited = Invitation envoyée. La personne qui a confirmé cette adresse sur son compte ici la trouvera sur la page de son compte ; elle devient représentante en l'acceptant.
org-pending = Invités, en attente de réponse
account-invitations = Vos invitations
account-invitation = { $name } vous invite à agir en son nom.
invitation-accept = Accepter
invitation-decline = Refuser
org-requests = Demandes faites au nom de { $name }
org-no-requests = Aucune demande n'a encore été faite au nom de cette organisation.
org-export = Télécharger les données de l'organisation
org-erase = Supprimer l'organisation
org-erase-lead = L'organisation, ses représentants et les coordonnées figurant dans ses demandes sont supprimés. Les demandes sont conservées, sans ces informations.
org-erase-confirm = J'ai compris : supprimer l'organisation
org-erased = L'organisation a été supprimée.
org-on-behalf = Au nom de
org-myself = Moi-même

admin-title = Administration de la ville
admin-only = Seul un administrateur de la ville peut effectuer cette modification.
admin-settings = Paramètres
admin-reopen-days = Nombre de jours dont dispose le citoyen pour refuser une résolution
admin-messages-per-day = Nombre maximal de messages que les services de la ville peuvent envoyer par jour
admin-public-location = Afficher l'emplacement des demandes publiques
admin-save = Enregistrer
admin-departments = Directions
admin-department-code = Code de la direction (lettres, chiffres et tirets)
admin-department-name = Nom de la direction
admin-department-add = Ajouter la direction
admin-routes = Affectation des dossiers
admin-routes-lead = Les dossiers d'un service (et d'une de ses catégories) sont affectés à une direction.
admin-route-service = Service concerné
admin-route-category = Catégorie (vide : toutes les catégories)
admin-route-department = Direction
admin-route-set = Définir l'affectation
admin-staff = Personnel
admin-staff-role = Rôle
admin-staff-admin = Administrateur
admin-staff-staff = Agent
admin-staff-add = Ajouter la personne
admin-keys = Clés d'API
admin-keys-lead = Une clé permet à une application (comme une application Open311) de déposer des demandes auprès de la ville.
admin-key-label = À quoi sert la clé
admin-key-issue = Émettre une clé
admin-key-issued = La nouvelle clé (affichée cette seule fois : copiez-la maintenant)
admin-key-id = Identifiant de la clé
admin-key-revoke = Révoquer la clé
admin-audit = Journal d'audit
admin-audit-when = Quand
admin-audit-who = Qui
admin-audit-what = Quoi
admin-audit-object = Sur
admin-audit-older = Entrées plus anciennes
admin-saved = Enregistré.
console-administration = Administration de la ville
operator-title = Console de l'opérateur
operator-sign-in = Se connecter en tant qu'opérateur
operator-cities = Villes
operator-city-slug = Adresse (identifiant : lettres minuscules, chiffres et tirets)
operator-city-name = Nom de la ville
operator-admin-name = Nom de son premier administrateur
operator-admin-email = Son adresse e-mail
operator-admin-password = Son mot de passe (au moins { $min } caractères)
operator-create = Créer la ville
operator-health = État de la plateforme
operator-health-cities = Villes
operator-health-installs = Services installés
operator-health-database = Base de données
operator-health-registry = Registre partagé
operator-none = aucune

form-photos = Joindre des photos
form-photos-help = Jusqu’à 3 images (JPEG, PNG ou WebP, 5 Mo au plus chacune). La ville supprime les données de l’appareil, comme le lieu de la prise de vue.
request-photos = Images jointes à la demande
request-photo = Image { $n }

form-map = Carte : choisissez l’endroit
form-map-help = Touchez ou cliquez sur la carte pour placer le repère, ou
admin-map-tiles = Tuiles de la carte (modèle d’URL avec {"{"}z{"}"}, {"{"}x{"}"} et {"{"}y{"}"} ; vide : pas de carte)
admin-map-zoom = Niveau de zoom de la carte (de 1 à 19)

home-title = Choisissez votre ville
home-lead = Chaque ville propose ici ses propres services.
prefs-title = Comment la ville vous contacte
prefs-language = Langue des messages
prefs-channel = Envoyer les messages par
prefs-channel-email = courriel
prefs-channel-sms = SMS
prefs-consent = La ville peut me contacter avant que je le demande, par exemple pour me rappeler qu’un document arrive à échéance.
prefs-save = Enregistrer les préférences

mail-unsubscribe = Pour ne plus recevoir de messages comme celui-ci, ouvrez
unsubscribe-title = Ne plus recevoir de messages comme celui-ci
unsubscribe-lead = La ville ne vous enverra plus de messages que vous n’avez pas demandés. Les messages sur vos propres demandes continueront de vous parvenir.
unsubscribe-confirm = Arrêter ces messages
unsubscribe-done = C’est fait : vous ne recevrez plus de messages comme celui-ci.

survey-subject = Comment s’est passée votre demande { $id } ?
survey-body = Votre demande { $id } ({ $title }) a été résolue. Quel est votre niveau de satisfaction ? Ouvrez le lien de votre réponse :
survey-title = Quel est votre niveau de satisfaction ?
survey-lead = Votre réponse aide la ville à améliorer ce service.
survey-thanks = Merci : votre note a été enregistrée.

eval-title = Comment se portent les services
eval-lead = Demandes déposées ces 90 derniers jours : combien, à quelle vitesse, avec quelle satisfaction.
eval-service = Service concerné
eval-volume = Demandes
eval-first-response = Première réponse (médiane)
eval-resolve = Résolues en (médiane / 90 %)
eval-sla = Dans les délais
eval-reopen = Rouvertes
eval-satisfaction = Satisfaction des usagers
eval-messages = Messages envoyés / échoués / arrêtés
eval-articles = Articles lus / utiles / signalements évités
eval-distribution = Notes de { $service } : { $counts }
eval-none = Aucune demande sur cette période.
eval-csv = Télécharger au format CSV
console-evaluation = Évaluation

market-evidence = Ses résultats dans les villes qui l’ont expérimenté
market-no-evidence = Aucune ville n’a encore publié ses chiffres.
market-publish-evidence = Publier nos chiffres (agrégés, sans données personnelles)
market-city = Ville

check-no-such-field = ce service n’a pas ce champ
check-required = { $label } : champ obligatoire
check-one-value = n’accepte qu’une valeur
check-too-long = dépasse { $max } caractères
check-not-number = « { $value } » n’est pas un nombre
check-not-date = « { $value } » n’est pas une date (AAAA-MM-JJ)
check-not-choice = « { $value } » ne fait pas partie de : { $choices }
check-twice = cite deux fois la même valeur
check-location-required = un lieu (des coordonnées ou une adresse) est nécessaire
check-coordinates-range = la latitude va de -90 à 90 et la longitude de -180 à 180
check-coordinates-pair = indiquez la latitude et la longitude, ou aucune des deux
check-contact-required = vos coordonnées (une adresse e-mail ou un numéro de téléphone) sont nécessaires
check-email = ceci n’est pas une adresse e-mail
check-phone = ceci n’est pas un numéro de téléphone (forme internationale, par exemple +33 1 23 45 67 89)

admin-quiet-start = Aucun message non sollicité à partir de (heure, de 0 à 23)
admin-quiet-end = jusqu’à (heure)
admin-time-zone = Fuseau horaire
admin-time-zone-help = Les pages, les e-mails et les heures de silence suivent son horloge, heure d’été comprise : un nom comme Europe/Paris.

account-inbox = Vos messages
account-inbox-empty = Aucun message pour l’instant. Les messages arrivent ici une fois votre adresse e-mail ou votre numéro de téléphone confirmé.

digest-subject = Du nouveau là où vous suivez : { $count }
digest-lead = Depuis votre dernier point :

follow-this = Suivre cette demande
follows-title = Ce que vous suivez
follows-none = Vous ne suivez encore rien. Sur la page d’une demande publique, choisissez « Suivre cette demande ».
follows-area = À moins de { $radius } m de { $at }
follows-stop = Ne plus suivre
market-job-gone = Cette page n’existe plus : la tâche est inconnue (elle s’est terminée il y a plus d’une heure, ou le serveur a redémarré). Le catalogue montre ce qui est installé.
market-job-running = Compilation du service : { $seconds } s jusqu’ici. Un gros composant (Python, JavaScript) prend jusqu’à une minute ; la version précédente sert en attendant.
market-job-done = Terminé en { $seconds } s.
market-job-failed = Refusé ; rien n’a changé :

## Pages, round two: who is signed in, what an action did, the console's words
signed-in-as = Connecté en tant que { $name }
form-error-coordinates = La latitude et la longitude sont des nombres décimaux, comme 45,4642
error-choose-rating = Choisissez une note de 1 à 5
error-not-a-number = « { $value } » n’est pas un nombre
admin-no-such-key = Il n’y a pas de clé « { $key } » ici
done-reply = Votre réponse a été envoyée.
done-note = Votre note interne a été enregistrée.
done-status = Le statut a été modifié.
done-assigned = Le dossier a été attribué.
done-message = Votre message a été envoyé à la ville.
done-accepted = Merci : la demande est close.
done-rejected = La demande a été rouverte : la ville va la réexaminer.
done-rated = Merci pour votre note.
done-installed = Le service a été installé.
done-upgraded = Le service a été mis à jour.
done-rolled-back = La version précédente est revenue.
done-uninstalled = Le service a été désinstallé.
done-evidence = Les chiffres ont été publiés dans le registre.
done-saved = Vos modifications ont été enregistrées.
done-verified = Votre contact est confirmé.
done-codes-sent = De nouveaux codes ont été envoyés.
done-unfollowed = Vous ne le suivez plus.
done-followed = Vous suivez maintenant cette demande.
done-joined = Vous représentez maintenant cette organisation.
done-declined = L’invitation a été refusée.
age-minutes = { $count } min
age-hours = { $count ->
    [one] { $count } heure
   *[other] { $count } heures
}
age-days = { $count ->
    [one] { $count } jour
   *[other] { $count } jours
}
console-by-citizen = l’usager
console-by-city = la ville
console-by-system = Carmen
console-case = Dossier
console-age = Ancienneté
console-pages = Pagination
console-choose-status = Choisissez un statut
market-uninstall-lead = Les usagers ne pourront plus utiliser le service ; ses dossiers restent dans la file et ses données restent jusqu’à ce que vous les effaciez.
market-uninstall-confirm = Oui, désinstaller { $name }

## Dates, on the city's clock
date-long = { $day } { $month } { $year }
moment = { $date } à { $time }
month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre

## Messages Carmen itself sends
mail-code-subject = Votre code de vérification
mail-code-body = Votre code est { $code }. Saisissez-le pour confirmer que ce contact est bien le vôtre ; il expire dans 30 minutes.
mail-taken-subject = Quelqu’un a tenté de s’inscrire avec votre adresse e-mail
mail-taken-body = Quelqu’un a tenté de créer un compte avec cette adresse e-mail, qui en a déjà un. Si c’était vous, connectez-vous. Sinon, vous n’avez rien à faire.
mail-reply-subject = Réponse à votre demande { $id } : { $title }
mail-overdue-subject = En retard : dossier { $id } ({ $title })
mail-overdue-body = Le dossier { $id } de { $service } ({ $department }) était dû le { $due } et est toujours « { $status } ».

## A city's own face
admin-colour = La couleur de la ville
admin-colour-help = L’en-tête et les boutons la prennent, avec un texte blanc dessus : une couleur sombre, écrite comme #1d4f91.
admin-crest = Le blason de la ville
admin-crest-of = Le blason de { $city }
admin-crest-file = Une image du blason
admin-crest-help = Une image PNG, JPEG ou WebP ; elle est affichée sur 256 pixels de large au plus, sur le portail, la console et dans les messages.
admin-crest-save = Utiliser ce blason
admin-crest-missing = Choisissez une image du blason à téléverser.
meta-city = Signalez un problème à { $city }, demandez un service et suivez ce qui se passe, en ligne à toute heure.
meta-host = Les services aux habitants des villes hébergées ici : signaler un problème, demander un service, le suivre en ligne.

## Pictures where people would rather look
form-use-location = Utiliser ma position
form-locating = Recherche de votre position…
form-locate-failed = Votre position n’a pas pu être trouvée : placez le repère sur la carte ou saisissez l’adresse.
public-map = Carte des demandes publiques

## The evaluation over a period
eval-period = Demandes du { $from } au { $to } : combien, à quelle vitesse, quelle satisfaction.
eval-period-wrong = Cette période n’a pas pu être lue : les 90 derniers jours sont affichés. Choisissez un premier jour avant le dernier.
eval-period-choose = La période
eval-from = Du
eval-to = Au
eval-show = Afficher
eval-trend = Dans le temps
eval-trend-lead = Demandes par période de { $days } jours, pour chaque service.
eval-trend-of = Demandes de { $service } dans le temps : { $points }

## The marketplace in people's words
market-package = Paquet
market-publisher-label = Éditeur
market-yes = Oui
market-no = Non
market-rollback-to = Revenir à la version { $version }
form-coordinates = Saisir plutôt des coordonnées
account-password-short = Choisissez un mot de passe d’au moins { $min } caractères.
account-password-long = Ce mot de passe est trop long : choisissez-en un d’au plus { $max } caractères.
account-code-wrong = Ce code n’est pas le bon, ou il n’est plus valable : vérifiez-le ou demandez-en un nouveau.
error-back-to-form = Revenir au formulaire
done-city = La ville a été créée ; son premier administrateur peut se connecter à sa console.

# The knowledge base on the portal.
help-answers = Réponses
help-known = Ce problème est connu et en cours de traitement : inutile de le signaler.
help-known-short = Connu : inutile de le signaler
help-before = Avant de signaler
help-updated = Mis à jour le { $date }
help-services = Services liés
help-missing = Cet article n'a pas encore de texte.
console-saved-replies = Réponse enregistrée
console-reply-language = En
console-insert = Insérer
console-suggested-articles = Articles à ce sujet
console-insert-link = insérer son lien
help-helpful = Cela a répondu à ma question
help-thanks = Merci : cela aide la ville à savoir quoi écrire.
