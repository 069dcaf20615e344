"""Example events for the demo site, drawn from the founding talk.

Only with ``seed --demo``: they are marked as examples (``is_example``) and carry
a badge wherever they are listed. Created through the same services as a
coordinator's clicks; an example already there is left as it is, except that one
seeded before the examples were bilingual gets its English texts.
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
Le lien du petit sondage sur vos pratiques de l’IA part par e-mail début juin.
N’hésitez pas à le partager !

Il porte sur : votre thème de recherche ; les méthodes d’IA mises en œuvre et leurs
objectifs ; langages et bibliothèques ; outils (Jupyter, Spyder, Vim, outils cloud…) ;
plateformes de calcul CPU et GPU (Ciclad, HAL, Jean Zay, AWS…) ; remarques et attentes.
"""

CLUSTER = """\
Une séance pratique sur HAL, le cluster GPU du mésocentre IPSL : 4 nœuds, chacun
avec 2 cartes NVIDIA RTX 2080 Ti de 11 Go (selon la diapositive du matériel).

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
L’exposé fondateur : introduction au machine learning et au deep learning,
exemples de projets scientifiques, GPU et CPU, le cluster GPU OVSQ/LATMOS/IPSL,
le projet de groupe ESPRI-IA et le sondage sur vos pratiques.
"""


LAUNCH_EN = """\
ESPRI-IA shares AI engineering experience between the staff of the laboratories
of the IPSL federation. The group is **open to everyone** and still taking
shape: come and say what you expect from it.

## Programme

- technical advice on AI methods (machine learning, neural networks…);
- technologies: libraries, running on the GPU cluster;
- data preparation: distributing computations, parallelisation;
- good software engineering practice: continuous integration, git, tests;
- technology watch and relaying training events.
"""

SURVEY_EN = """\
The link to the short survey on your AI practice goes out by email in early June.
Feel free to share it!

It covers: your research theme; the AI methods you use and what for; languages and
libraries; tools (Jupyter, Spyder, Vim, cloud tools…); CPU and GPU computing
platforms (Ciclad, HAL, Jean Zay, AWS…); remarks and expectations.
"""

CLUSTER_EN = """\
A hands-on session on HAL, the GPU cluster of the IPSL mesocentre: 4 nodes, each
with 2 NVIDIA RTX 2080 Ti cards of 11 GB (as the talk's hardware slide states).

1. Log in: `ssh -X hal.obs.uvsq.fr`
2. Ask for a GPU interactively: `srun --gres=gpu:1 --x11 --pty bash`
3. Load the environment: `module avail`, then `module load cuda/10.0`
4. Watch your card: `nvidia-smi`

One GPU per person by default; free the memory and close your sessions when you leave.
Bring your laptop and a mesocentre account.
"""

RELAY_EN = """\
ESPRI-IA relays the seminars of SAMA IA & Climat (IPSL – Sorbonne Center for
Artificial Intelligence): multidisciplinary research on AI methods for climate
and environmental science.
"""

TALK_EN = """\
The founding talk: an introduction to machine learning and deep learning, examples
of scientific projects, GPUs and CPUs, the OVSQ/LATMOS/IPSL GPU cluster, the
ESPRI-IA group project and the survey on your practice.
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
            "title_fr": "Réunion de lancement du groupe ESPRI-IA",
            "title_en": "ESPRI-IA group kick-off meeting",
            "kind": EventKind.MEETUP,
            "summary_fr": "Le groupe se met en place : venez dire ce que vous en attendez.",
            "summary_en": "The group is taking shape: come and say what you expect from it.",
            "description_fr": LAUNCH,
            "description_en": LAUNCH_EN,
            "starts_at": _at(in_days(14), 14),
            "ends_at": _at(in_days(14), 16),
            "place_fr": "LATMOS, Guyancourt",
            "online_url": "https://visio.example.org/espri-ia",
            "organiser": "ESPRI-IA",
            "registration_mode": RegistrationMode.BUILT_IN,
            "capacity": 30,
        },
        {
            "title_fr": "Sondage sur vos pratiques de l’IA : envoi du lien",
            "title_en": "Survey on your AI practice: the link goes out",
            "kind": EventKind.ANNOUNCEMENT,
            "summary_fr": "Le lien du sondage arrive par e-mail début juin ; partagez-le !",
            "summary_en": "The survey link arrives by email in early June; share it!",
            "description_fr": SURVEY,
            "description_en": SURVEY_EN,
            "all_day": True,
            "starts_at": survey_start,
            "ends_at": survey_end,
            "organiser": "ESPRI-IA",
        },
        {
            "title_fr": "Prise en main du cluster GPU HAL",
            "title_en": "Getting started on the HAL GPU cluster",
            "kind": EventKind.TRAINING,
            "summary_fr": "Se connecter, demander un GPU avec Slurm, charger CUDA, suivre sa carte.",
            "summary_en": "Log in, ask Slurm for a GPU, load CUDA, watch your card.",
            "description_fr": CLUSTER,
            "description_en": CLUSTER_EN,
            "starts_at": _at(in_days(21), 9, 30),
            "ends_at": _at(in_days(21), 12, 30),
            "place_fr": "LATMOS, Guyancourt, salle informatique",
            "place_en": "LATMOS, Guyancourt, computer room",
            "organiser": "ESPRI-IA",
            "registration_mode": RegistrationMode.BUILT_IN,
            "capacity": 8,
        },
        {
            "title_fr": "Séminaire SAMA IA & Climat (relais)",
            "title_en": "SAMA IA & Climat seminar (relayed)",
            "kind": EventKind.SEMINAR,
            "summary_fr": "Séminaire de recherche sur l’IA pour le climat, relayé par ESPRI-IA.",
            "summary_en": "A research seminar on AI for climate, relayed by ESPRI-IA.",
            "description_fr": RELAY,
            "description_en": RELAY_EN,
            "starts_at": _at(in_days(35), 14),
            "ends_at": _at(in_days(35), 15, 30),
            "place_fr": "Sorbonne Université, campus Pierre et Marie Curie",
            "place_en": "Sorbonne University, Pierre and Marie Curie campus",
            "organiser": "SAMA IA & Climat",
            "registration_mode": RegistrationMode.EXTERNAL,
            "registration_url": "https://ai4climate.lip6.fr/",
        },
        {
            "title_fr": "Le cluster de calcul GPU et le projet ESPRI-IA",
            "title_en": "The GPU computing cluster and the ESPRI-IA project",
            "kind": EventKind.SEMINAR,
            "summary_fr": "L’exposé fondateur du groupe : deep learning, GPU, cluster HAL.",
            "summary_en": "The group's founding talk: deep learning, GPUs, the HAL cluster.",
            "description_fr": TALK,
            "description_en": TALK_EN,
            "starts_at": _at(in_days(-45), 10),
            "ends_at": _at(in_days(-45), 11, 30),
            "place_fr": "OVSQ, Guyancourt",
            "organiser": "ESPRI-IA",
        },
    ]


def seed_example_events(*, created_by=None):
    """Create the example events that are not there yet; return how many were created."""
    created = 0
    for fields in example_events(timezone.localdate()):
        existing = Event.objects.filter(is_example=True, title_fr=fields["title_fr"]).first()
        if existing is not None:
            if not existing.title_en:  # seeded before the examples had English texts
                english = {name: value for name, value in fields.items() if name.endswith("_en")}
                services.update_event(event=existing, **english)
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
