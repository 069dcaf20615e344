"""Example events for the demo site, drawn from the founding talk.

Only with ``seed --demo``: they are marked as examples (``is_example``) and carry
a badge wherever they are listed. Created through the same services as a
coordinator's clicks; an example already there is left as it is.
"""

import datetime

from django.utils import timezone

from kb.models.events import (
    PARIS,
    Event,
    EventKind,
    RegistrationMode,
    all_day_bounds,
)
from kb.services import events as services

LAUNCH = """\
ESPRI-IA partage l’expérience en ingénierie de l’IA entre les personnels des
laboratoires de la fédération IPSL. Le groupe est **ouvert à toutes et tous** et
en cours d’élaboration : venez dire ce que vous en attendez.

## Au programme

- conseils techniques sur les méthodes d’IA (machine learning, réseaux de neurones…) ;
- technologies : bibliothèques, exécution sur le cluster de GPU ;
- préparation des données : distribution des calculs, parallélisation ;
- bonnes pratiques d’ingénierie logicielle : intégration continue, git, tests ;
- veille technologique et relais d’événements de formation.
"""

SURVEY = """\
Le lien du petit sondage sur vos pratiques de l’IA part par email début juin.
N’hésitez pas à le partager !

Il porte sur : votre thème de recherche ; les méthodes d’IA mises en œuvre et leurs
objectifs ; langages et bibliothèques ; outils (Jupyter, Spyder, Vim, outils cloud…) ;
plateformes de calcul CPU et GPU (Ciclad, HAL, Jean Zay, AWS…) ; remarques et attentes.
"""

CLUSTER = """\
Une séance pratique sur HAL, le cluster GPU du mésocentre IPSL : 4 nœuds, chacun
avec 2 cartes NVIDIA RTX 2080 Ti de 11 Go.

1. Se connecter : `ssh -X hal.obs.uvsq.fr`
2. Demander un GPU en interactif : `srun --gres=gpu:1 --x11 --pty bash`
3. Charger l’environnement : `module avail`, puis `module load cuda/10.0`
4. Surveiller sa carte : `nvidia-smi`

Un GPU par personne par défaut ; libérez la mémoire et fermez vos sessions en partant.
Apportez votre portable et un compte sur le mésocentre.
"""

RELAY = """\
ESPRI-IA relaie les séminaires de SAMA IA & Climat (IPSL – Sorbonne Center for
Artificial Intelligence) : recherche pluridisciplinaire sur les méthodes de l’IA
pour la science du climat et de l’environnement.
"""

TALK = """\
Présentation fondatrice : introduction au machine learning et au deep learning,
exemples de projets scientifiques, GPU et CPU, le cluster GPU OVSQ/LATMOS/IPSL,
le projet de groupe ESPRI-IA et le sondage sur vos pratiques.
"""


def _at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=PARIS)


def _next_june_2(today):
    june = datetime.date(today.year, 6, 2)
    return june if june >= today else datetime.date(today.year + 1, 6, 2)


def example_events(today):
    """The examples' fields, dated from ``today`` so that the demo looks alive."""
    survey_start, survey_end = all_day_bounds(_next_june_2(today), _next_june_2(today))

    def in_days(days):
        return today + datetime.timedelta(days=days)

    return [
        {
            "title": "Réunion de lancement du groupe ESPRI-IA",
            "kind": EventKind.MEETUP,
            "summary": "Le groupe se met en place : venez dire ce que vous en attendez.",
            "description": LAUNCH,
            "starts_at": _at(in_days(14), 14),
            "ends_at": _at(in_days(14), 16),
            "place": "LATMOS, Guyancourt",
            "online_url": "https://visio.example.org/espri-ia",
            "organiser": "ESPRI-IA",
            "registration_mode": RegistrationMode.BUILT_IN,
            "capacity": 30,
        },
        {
            "title": "Sondage sur vos pratiques de l’IA : envoi du lien",
            "kind": EventKind.ANNOUNCEMENT,
            "summary": "Le lien du sondage arrive par email début juin ; partagez-le !",
            "description": SURVEY,
            "all_day": True,
            "starts_at": survey_start,
            "ends_at": survey_end,
            "organiser": "ESPRI-IA",
        },
        {
            "title": "Prise en main du cluster GPU HAL",
            "kind": EventKind.TRAINING,
            "summary": "Se connecter, demander un GPU avec Slurm, charger CUDA, suivre sa carte.",
            "description": CLUSTER,
            "starts_at": _at(in_days(21), 9, 30),
            "ends_at": _at(in_days(21), 12, 30),
            "place": "LATMOS, Guyancourt, salle informatique",
            "organiser": "ESPRI-IA",
            "registration_mode": RegistrationMode.BUILT_IN,
            "capacity": 8,
        },
        {
            "title": "Séminaire SAMA IA & Climat (relais)",
            "kind": EventKind.SEMINAR,
            "summary": "Séminaire de recherche sur l’IA pour le climat, relayé par ESPRI-IA.",
            "description": RELAY,
            "starts_at": _at(in_days(35), 14),
            "ends_at": _at(in_days(35), 15, 30),
            "place": "Sorbonne Université, campus Pierre et Marie Curie",
            "organiser": "SAMA IA & Climat",
            "registration_mode": RegistrationMode.EXTERNAL,
            "registration_url": "https://ai4climate.lip6.fr/",
        },
        {
            "title": "Le cluster de calcul GPU et le projet ESPRI-IA",
            "kind": EventKind.SEMINAR,
            "summary": "La présentation qui a lancé le groupe : deep learning, GPU, cluster HAL.",
            "description": TALK,
            "starts_at": _at(in_days(-45), 10),
            "ends_at": _at(in_days(-45), 11, 30),
            "place": "OVSQ, Guyancourt",
            "organiser": "ESPRI-IA",
        },
    ]


def seed_example_events(*, created_by=None):
    """Create the example events that are not there yet; return how many were created."""
    created = 0
    for fields in example_events(timezone.localdate()):
        if Event.objects.filter(is_example=True, title=fields["title"]).exists():
            continue
        event = services.create_event(created_by=created_by, is_example=True, **fields)
        services.publish_event(event=event)
        if event.is_over():
            services.add_link_material(
                event=event,
                title="Mésocentre IPSL : ouvrir un compte sur le cluster",
                url="https://mesocentre.ipsl.fr/ouverture/",
            )
        created += 1
    return created
