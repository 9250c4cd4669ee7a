"""Messages of the contribution pages, French and English.

Messages of the contribution pages (« Proposer une coopération »), French and English;
merged into geocoop.web.i18n.MESSAGES.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "nav.propose": "Proposer une coopération",
        "propose.title": "Proposer une coopération",
        "propose.intro": "Vous connaissez une coopération territoriale absente de la carte ? "
        "Décrivez-la : un modérateur du réseau concerné la vérifiera avant qu'elle "
        "n'apparaisse. Aucun compte n'est nécessaire.",
        "propose.required": "Champ obligatoire",
        "propose.kind": "Type de coopération",
        "propose.kind.help": "PTCE, projet alimentaire territorial, territoire zéro chômeur…",
        "propose.name": "Nom",
        "propose.name.help": "Le nom sous lequel on la connaît sur place.",
        "propose.place": "Où se trouve-t-elle ?",
        "propose.place.help": "Cherchez la commune, ou cliquez sur la carte à l'endroit exact "
        "(l'un ou l'autre suffit).",
        "propose.commune": "Commune (nom ou code INSEE)",
        "propose.search": "Chercher",
        "propose.commune_code": "Code INSEE de la commune",
        "propose.point": "Point choisi sur la carte",
        "propose.point.none": "aucun point choisi",
        "propose.lon": "Longitude",
        "propose.lat": "Latitude",
        "propose.perimeter": "Périmètre d'action (facultatif)",
        "propose.perimeter.help": "Codes des territoires couverts, séparés par des espaces : "
        "communes (35238), EPCI (243500139), départements (35) ; une région s'écrit "
        "region:53. Ou cliquez sur la carte (« ajoute la commune / l'EPCI au périmètre ») : "
        "un clic sur un territoire déjà choisi le retire.",
        "propose.study": "Pour mieux la connaître (facultatif)",
        "propose.category": "Catégorie",
        "propose.category.help": "Modélisée : elle suit un modèle national (PAT, PTCE, TZCLD). "
        "Non modélisée : une initiative locale originale. Systémique : elle relie "
        "plusieurs coopérations d'un territoire.",
        "propose.model": "Modèle socio-économique",
        "propose.model.help": "Marchande : elle vit de ses ventes. Non marchande : de "
        "subventions et de bénévolat. Hybride : un peu des deux.",
        "propose.stage": "Stade",
        "propose.stage.help": "Émergence : le projet se construit. Opérationnelle : il agit déjà.",
        "propose.stakeholders": "Parties prenantes",
        "propose.stakeholders.help": "Qui coopère ? Séparez par des points-virgules : "
        "commune ; associations ; entreprises…",
        "propose.accompaniment": "Accompagnement",
        "propose.accompaniment.help": "Interne : la coopération s'accompagne elle-même. "
        "Externe : une structure l'aide (DLA, incubateur, CRESS…).",
        "propose.accompanied_by": "Accompagnée par",
        "propose.financing": "Financements",
        "propose.financing.help": "D'où vient l'argent ? Région ; État ; fondations ; ventes…",
        "propose.website": "Site web",
        "propose.contact": "Votre contact (privé)",
        "propose.contact.help": "Courriel ou téléphone, pour que le modérateur puisse vous "
        "répondre. Jamais publié.",
        "propose.honeypot": "Ne remplissez pas ce champ",
        "propose.submit": "Envoyer la proposition",
        "propose.none": "—",
        "propose.fix": "Certains champs sont à corriger.",
        "propose.too_fast": "Formulaire envoyé trop vite : relisez-le puis renvoyez-le.",
        "propose.too_large": "Formulaire trop volumineux.",
        "propose.thanks.title": "Merci !",
        "propose.thanks": "Votre proposition est enregistrée. Elle apparaîtra sur la carte "
        "dès qu'un modérateur l'aura validée.",
        "propose.back": "Retour à la carte",
        "propose.another": "Proposer une autre coopération",
        "propose.map": "Carte : cliquez pour placer la coopération ou choisir son périmètre",
        "propose.mode.point": "place la coopération",
        "propose.perimeter.remove": "Retirer",
        "propose.level.commune": "commune",
        "propose.level.epci": "EPCI",
        "accompaniment.interne": "Interne",
        "accompaniment.externe": "Externe",
    },
    "en": {
        "nav.propose": "Propose a cooperation",
        "propose.title": "Propose a cooperation",
        "propose.intro": "Do you know a territorial cooperation missing from the map? "
        "Describe it: a moderator of the network concerned will check it before it "
        "appears. No account needed.",
        "propose.required": "Required field",
        "propose.kind": "Kind of cooperation",
        "propose.kind.help": "Territorial economic cooperation hub, food project, zero "
        "long-term unemployment territory…",
        "propose.name": "Name",
        "propose.name.help": "The name it is known by locally.",
        "propose.place": "Where is it?",
        "propose.place.help": "Search the commune, or click the exact place on the map "
        "(either is enough).",
        "propose.commune": "Commune (name or INSEE code)",
        "propose.search": "Search",
        "propose.commune_code": "INSEE code of the commune",
        "propose.point": "Point chosen on the map",
        "propose.point.none": "no point chosen",
        "propose.lon": "Longitude",
        "propose.lat": "Latitude",
        "propose.perimeter": "Area of action (optional)",
        "propose.perimeter.help": "Codes of the territories covered, separated by spaces: "
        "communes (35238), EPCI (243500139), départements (35); a région is written "
        "region:53. Or click on the map (« adds the commune / the EPCI to the perimeter »): "
        "a click on a territory already picked removes it.",
        "propose.study": "To know it better (optional)",
        "propose.category": "Category",
        "propose.category.help": "Modelled: it follows a national model (PAT, PTCE, TZCLD). "
        "Not modelled: an original local initiative. Systemic: it links several "
        "cooperations of a territory.",
        "propose.model": "Socio-economic model",
        "propose.model.help": "Market: it lives on its sales. Non-market: on grants and "
        "volunteering. Hybrid: some of both.",
        "propose.stage": "Stage",
        "propose.stage.help": "Emerging: the project is being built. Operational: it already acts.",
        "propose.stakeholders": "Stakeholders",
        "propose.stakeholders.help": "Who cooperates? Separate with semicolons: commune; "
        "associations; businesses…",
        "propose.accompaniment": "Support",
        "propose.accompaniment.help": "Internal: the cooperation supports itself. External: "
        "an organisation helps it (DLA, incubator, CRESS…).",
        "propose.accompanied_by": "Supported by",
        "propose.financing": "Funding",
        "propose.financing.help": "Where does the money come from? Region; State; "
        "foundations; sales…",
        "propose.website": "Website",
        "propose.contact": "Your contact (private)",
        "propose.contact.help": "E-mail or phone, so the moderator can answer you. Never "
        "published.",
        "propose.honeypot": "Leave this field empty",
        "propose.submit": "Send the proposal",
        "propose.none": "—",
        "propose.fix": "Some fields need fixing.",
        "propose.too_fast": "Form sent too fast: read it again, then send it.",
        "propose.too_large": "Form too large.",
        "propose.thanks.title": "Thank you!",
        "propose.thanks": "Your proposal is recorded. It will appear on the map once a "
        "moderator has validated it.",
        "propose.back": "Back to the map",
        "propose.another": "Propose another cooperation",
        "propose.map": "Map: click to place the cooperation or to pick its perimeter",
        "propose.mode.point": "places the cooperation",
        "propose.perimeter.remove": "Remove",
        "propose.level.commune": "commune",
        "propose.level.epci": "EPCI",
        "accompaniment.interne": "Internal",
        "accompaniment.externe": "External",
    },
}

# The history page of a cooperation (/cooperations/<id>/historique).
HISTORY: dict[str, dict[str, str]] = {
    "fr": {
        "history.title": "Historique",
        "history.intro": "Chaque changement de cette coopération : qui, quand, par quel "
        "moyen, et les valeurs avant et après.",
        "history.none": "Aucun changement enregistré pour cette coopération.",
        "history.deleted": "Cette coopération a été supprimée ; son historique reste.",
        "history.when": "Quand",
        "history.who": "Qui",
        "history.via": "Par",
        "history.what": "Changement",
        "history.field": "Champ",
        "history.before": "Avant",
        "history.after": "Après",
        "history.empty": "(vide)",
        "history.reverts": "annule le changement n°",
        "history.revert.help": "Un éditeur peut annuler le dernier changement avec son jeton "
        "(POST /api/contrib/changes/<n°>/revert ou la page de modération).",
        "history.json": "Historique en JSON",
        "history.on_map": "Voir sur la carte",
        "action.create": "création",
        "action.update": "modification",
        "action.replace": "remplacement",
        "action.edit": "modification",
        "action.delete": "suppression",
        "action.revert": "annulation",
        "via.import": "import de fichier",
        "via.proposal": "proposition validée",
        "via.api": "API des membres",
        "via.ogcapi": "OGC API (SIG)",
        "via.revert": "annulation",
        "via.map": "carte",
    },
    "en": {
        "history.title": "History",
        "history.intro": "Every change of this cooperation: who, when, through what, and the "
        "values before and after.",
        "history.none": "No change recorded for this cooperation.",
        "history.deleted": "This cooperation was deleted; its history remains.",
        "history.when": "When",
        "history.who": "Who",
        "history.via": "Through",
        "history.what": "Change",
        "history.field": "Field",
        "history.before": "Before",
        "history.after": "After",
        "history.empty": "(empty)",
        "history.reverts": "reverts change no.",
        "history.revert.help": "An editor can revert the last change with their token "
        "(POST /api/contrib/changes/<no.>/revert or the moderation page).",
        "history.json": "History as JSON",
        "history.on_map": "See on the map",
        "action.create": "creation",
        "action.update": "update",
        "action.replace": "replacement",
        "action.edit": "edit",
        "action.delete": "deletion",
        "action.revert": "revert",
        "via.import": "file import",
        "via.proposal": "validated proposal",
        "via.api": "members' API",
        "via.ogcapi": "OGC API (GIS)",
        "via.revert": "revert",
        "via.map": "map",
    },
}
for _lang, _table in HISTORY.items():
    MESSAGES[_lang].update(_table)

# The moderation page (/moderation) and the revert button of the history page.
MODERATION: dict[str, dict[str, str]] = {
    "fr": {
        "moderation.title": "Modération des propositions",
        "moderation.intro": "Entrez le jeton que votre organisation vous a remis (geocoop "
        "member add) : vous verrez les propositions de votre périmètre.",
        "moderation.token": "Jeton de membre",
        "moderation.role": "Ce jeton est celui d'un contributeur : la modération demande un "
        "rôle éditeur ou modérateur.",
        "moderation.signed_out": "Session expirée ou jeton révoqué : entrez à nouveau votre jeton.",
        "moderation.kinds": "types",
        "moderation.territories": "territoires",
        "moderation.queue": "Propositions en attente",
        "moderation.empty": "Aucune proposition en attente dans votre périmètre.",
        "moderation.commune": "commune",
        "moderation.perimeter": "périmètre",
        "moderation.contact": "Contact (privé)",
        "moderation.validate": "Valider",
        "moderation.reject": "Refuser",
        "moderation.reason": "Motif du refus",
        "moderation.revert": "Annuler un changement",
        "moderation.revert.help": "Ouvrez l'historique d'une coopération (lien « Historique » "
        "de sa fiche, ou /cooperations/<n°>/historique) : son dernier changement porte un "
        "bouton « Annuler ».",
        "moderation.done.validated": "Proposition validée :",
        "moderation.done.rejected": "Proposition refusée :",
        "moderation.done.reverted": "Changement annulé :",
        "moderation.done.merged": "Fusion faite, coopération gardée :",
        "moderation.duplicates": "Doublons signalés par les imports",
        "moderation.duplicates.help": "Même lieu (100 m au plus), noms presque identiques. "
        "Fusionner garde une fiche, complétée des champs qui lui manquent, et supprime "
        "l'autre ; les deux changements restent dans l'historique et s'annulent.",
        "moderation.keep": "Fusionner en gardant",
        "moderation.export": "Exporter les données de votre organisation",
        "moderation.export.help": "Toutes ses coopérations (sa source « {slug} ») et leur "
        "historique, à tout moment.",
        "moderation.export.geojson": "GeoJSON (coopérations et historique)",
        "moderation.export.csv": "CSV des coopérations",
        "moderation.export.changes": "CSV de l'historique",
        "action.merge": "fusion",
        "history.revert": "Annuler ce changement",
        "role.contributor": "contributeur",
        "role.editor": "éditeur",
        "role.moderator": "modérateur",
        "role.admin": "administrateur",
    },
    "en": {
        "moderation.title": "Moderation of proposals",
        "moderation.intro": "Enter the token your organisation gave you (geocoop member "
        "add): you will see the proposals of your scope.",
        "moderation.token": "Member token",
        "moderation.role": "This is a contributor's token: moderation needs an editor or "
        "moderator role.",
        "moderation.signed_out": "Session expired or token revoked: enter your token again.",
        "moderation.kinds": "kinds",
        "moderation.territories": "territories",
        "moderation.queue": "Pending proposals",
        "moderation.empty": "No pending proposal in your scope.",
        "moderation.commune": "commune",
        "moderation.perimeter": "perimeter",
        "moderation.contact": "Contact (private)",
        "moderation.validate": "Validate",
        "moderation.reject": "Reject",
        "moderation.reason": "Reason for rejecting",
        "moderation.revert": "Revert a change",
        "moderation.revert.help": "Open a cooperation's history (/cooperations/<no.>/"
        "historique): its last change has a « Revert » button.",
        "moderation.done.validated": "Proposal validated:",
        "moderation.done.rejected": "Proposal rejected:",
        "moderation.done.reverted": "Change reverted:",
        "moderation.done.merged": "Merged, cooperation kept:",
        "moderation.duplicates": "Duplicates flagged by the imports",
        "moderation.duplicates.help": "Same place (100 m at most), names nearly identical. "
        "Merging keeps one entry, completed with the fields it lacks, and deletes the "
        "other; both changes stay in the history and can be reverted.",
        "moderation.keep": "Merge, keeping",
        "moderation.export": "Export your organisation's data",
        "moderation.export.help": "All of its cooperations (its source « {slug} ») and their "
        "history, at any time.",
        "moderation.export.geojson": "GeoJSON (cooperations and history)",
        "moderation.export.csv": "CSV of the cooperations",
        "moderation.export.changes": "CSV of the history",
        "action.merge": "merge",
        "history.revert": "Revert this change",
        "role.contributor": "contributor",
        "role.editor": "editor",
        "role.moderator": "moderator",
        "role.admin": "administrator",
    },
}
for _lang, _table in MODERATION.items():
    MESSAGES[_lang].update(_table)

# The public changelog (/changements).
CHANGES: dict[str, dict[str, str]] = {
    "fr": {
        "changes.title": "Derniers changements",
        "changes.intro": "Les coopérations ajoutées, modifiées ou supprimées récemment, par "
        "import, proposition validée ou modification d'un membre. Suivez votre territoire "
        "avec le flux Atom.",
        "changes.all": "tous les types",
        "changes.territory": "Territoire",
        "changes.territory.help": "Code d'une commune (35238), d'un EPCI (243500139), d'un "
        "département (35) ; une région s'écrit region:53.",
        "changes.filter": "Filtrer",
        "changes.atom": "Flux Atom de cette sélection",
        "changes.none": "Aucun changement pour cette sélection.",
    },
    "en": {
        "changes.title": "Latest changes",
        "changes.intro": "Cooperations recently added, changed or deleted, by import, "
        "validated proposal or a member's edit. Follow your territory with the Atom feed.",
        "changes.all": "all kinds",
        "changes.territory": "Territory",
        "changes.territory.help": "Code of a commune (35238), an EPCI (243500139), a "
        "département (35); a région is written region:53.",
        "changes.filter": "Filter",
        "changes.atom": "Atom feed of this selection",
        "changes.none": "No change for this selection.",
    },
}
for _lang, _table in CHANGES.items():
    MESSAGES[_lang].update(_table)

# The map editor (/moderation/cooperations/<id>/editer).
EDITOR: dict[str, dict[str, str]] = {
    "fr": {
        "edit.title": "Modifier sur la carte",
        "edit.intro": "Cliquez sur la carte pour déplacer le point, ou choisissez d'ajouter "
        "au périmètre la commune ou l'EPCI cliqué. « Aperçu » montre, avant tout "
        "enregistrement, les communes et la population gagnées ou perdues par la couverture.",
        "edit.mode": "Un clic sur la carte…",
        "edit.mode.point": "déplace le point",
        "edit.mode.commune": "ajoute la commune au périmètre",
        "edit.mode.epci": "ajoute l'EPCI au périmètre",
        "edit.map": "Carte : cliquez pour déplacer le point ou choisir le périmètre",
        "edit.precision": "précision",
        "edit.field.name": "Nom",
        "edit.field.stage": "Stade (emergence, operationnelle)",
        "edit.field.category": "Catégorie (modelisee, non_modelisee, systemique)",
        "edit.field.socio_economic_model": "Modèle (marchande, non_marchande, hybride)",
        "edit.field.website": "Site web",
        "edit.preview": "Aperçu de la couverture",
        "edit.save": "Enregistrer",
        "edit.delete": "Supprimer",
        "edit.preview.title": "Effet sur la couverture",
        "edit.gained": "Communes gagnées :",
        "edit.lost": "Communes perdues :",
        "edit.inhabitants": "habitants",
        "edit.none": "aucune",
        "edit.confirm_delete": "Supprimer cette coopération ? (le changement reste dans "
        "l'historique et peut être annulé)",
    },
    "en": {
        "edit.title": "Edit on the map",
        "edit.intro": "Click on the map to move the point, or choose to add the clicked "
        "commune or EPCI to the perimeter. « Preview » shows, before anything is saved, the "
        "communes and population the coverage would gain or lose.",
        "edit.mode": "A click on the map…",
        "edit.mode.point": "moves the point",
        "edit.mode.commune": "adds the commune to the perimeter",
        "edit.mode.epci": "adds the EPCI to the perimeter",
        "edit.map": "Map: click to move the point or pick the perimeter",
        "edit.precision": "precision",
        "edit.field.name": "Name",
        "edit.field.stage": "Stage (emergence, operationnelle)",
        "edit.field.category": "Category (modelisee, non_modelisee, systemique)",
        "edit.field.socio_economic_model": "Model (marchande, non_marchande, hybride)",
        "edit.field.website": "Website",
        "edit.preview": "Preview the coverage",
        "edit.save": "Save",
        "edit.delete": "Delete",
        "edit.preview.title": "Effect on coverage",
        "edit.gained": "Communes gained:",
        "edit.lost": "Communes lost:",
        "edit.inhabitants": "inhabitants",
        "edit.none": "none",
        "edit.confirm_delete": "Delete this cooperation? (the change stays in the history "
        "and can be reverted)",
    },
}
for _lang, _table in EDITOR.items():
    MESSAGES[_lang].update(_table)
