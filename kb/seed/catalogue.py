"""The catalogue's seed: the seven projects of the founding talk, published.

Facts only as the talk gives them (title, authors, year, venue, task,
architecture, and the data or laboratory when the talk names it). No DOI, URL
or author is added that the talk does not give: those fields stay empty until
a coordinator fills them from the paper.
"""

from kb.models import Architecture, DataType, Laboratory, Project, Task
from kb.services.catalogue import approve_project, propose_project, slug_base

SEED_PROJECTS = [
    {
        "title": "ExtremeWeather",
        "summary_fr": (
            "Détection et localisation d’événements météorologiques extrêmes locaux, comme "
            "les cyclones tropicaux et les rivières atmosphériques, avec un encodeur-décodeur"
            " convolutif 3D."
        ),
        "summary_en": (
            "Detection and localisation of local extreme weather events, such as tropical "
            "cyclones and atmospheric rivers, with a 3D convolutional encoder-decoder."
        ),
        "description_en": (
            "**Objective:** detect and localise local events (tropical cyclone, atmospheric "
            "river…).\n\n"
            "**Architecture:** 3D convolutional encoder-decoder, where 3D is "
            "(height, width, time)."
        ),
        "year": 2017,
        "tasks": ["detection"],
        "architectures": ["cnn-3d-encoder-decoder"],
        "references": [
            {
                "authors": "Evan Racah; Christopher Beckham; Tegan Maharaj; et al.",
                "title": (
                    "ExtremeWeather: A large-scale climate dataset for semi-supervised "
                    "detection, localization, and understanding of extreme weather events"
                ),
                "year": 2017,
            }
        ],
    },
    {
        "title": (
            "Application of Deep Convolutional Neural Networks for Detecting Extreme Weather "
            "in Climate Datasets"
        ),
        "summary_fr": (
            "Classification d’événements météorologiques extrêmes (cyclones tropicaux) dans "
            "des simulations climatiques avec un réseau de neurones convolutif."
        ),
        "summary_en": (
            "Classification of extreme weather events (tropical cyclones) in climate "
            "simulations with a convolutional neural network."
        ),
        "description_en": (
            "**Objective:** classify extreme weather events in climate simulations "
            "(tropical cyclone).\n\n**Architecture:** convolutional neural network."
        ),
        "year": 2016,
        "tasks": ["classification"],
        "architectures": ["cnn"],
        "data_types": ["climate-simulations"],
        "references": [
            {
                "authors": "Yunjie Liu; et al.",
                "title": (
                    "Application of Deep Convolutional Neural Networks for Detecting Extreme "
                    "Weather in Climate Datasets"
                ),
                "year": 2016,
            }
        ],
    },
    {
        "title": "Segmenting and Tracking Extreme Climate Events using Neural Networks",
        "summary_fr": (
            "Segmentation d’événements climatiques extrêmes, en identifiant différents types "
            "de zones, avec des réseaux de neurones convolutifs et récurrents."
        ),
        "summary_en": (
            "Segmentation of extreme climate events, identifying different types of zones, "
            "with convolutional and recurrent neural networks."
        ),
        "description_en": (
            "**Objective:** identify different types of zones.\n\n"
            "**Architecture:** convolutional neural networks and recurrent neural networks."
        ),
        "year": 2017,
        "tasks": ["segmentation"],
        "architectures": ["cnn", "rnn-lstm"],
        "references": [
            {
                "authors": "Mayur Mudigonda; Sookyung Kim; Ankur Mahesh; et al.",
                "title": "Segmenting and Tracking Extreme Climate Events using Neural Networks",
                "year": 2017,
            }
        ],
    },
    {
        "title": (
            "Estimation of NO2 and SO2 concentration changes in Europe from meteorological "
            "conditions using a Neural Network"
        ),
        "summary_fr": (
            "Prédiction de la concentration de NO2 du lendemain à partir des conditions "
            "météorologiques, avec des réseaux de neurones récurrents sur des séries "
            "temporelles."
        ),
        "summary_en": (
            "Prediction of the next day's NO2 concentration from meteorological conditions "
            "with recurrent neural networks on time series."
        ),
        "description_en": (
            "**Objective:** predict the NO2 concentration one day ahead.\n\n"
            "**Architecture:** recurrent neural networks on time series."
        ),
        "year": 2020,
        "tasks": ["prediction"],
        "architectures": ["rnn-lstm"],
        "references": [
            {
                "kind": "conference",
                "authors": "Andrey Vlasenko; Volker Matthias; Ulrich Callies; et al.",
                "title": (
                    "Estimation of NO2 and SO2 concentration changes in Europe from "
                    "meteorological conditions using a Neural Network"
                ),
                "venue": "EGU 2020",
                "year": 2020,
            }
        ],
    },
    {
        "title": "Using Deep Learning for Restoration of Precipitation Echoes in Radar Data",
        "summary_fr": (
            "Nettoyage des images de radar météorologique de leurs échos non pluvieux avec un"
            " auto-encodeur convolutif de type U-Net."
        ),
        "summary_en": (
            "Cleaning weather radar images of non-rain echoes with a convolutional "
            "auto-encoder of the U-Net kind."
        ),
        "description_en": (
            "**Objective:** analyse weather radar images to remove echoes that are not "
            "rain.\n\n**Architecture:** convolutional auto-encoder (U-Net)."
        ),
        "year": 2020,
        "tasks": ["denoising"],
        "architectures": ["u-net", "convolutional-auto-encoder"],
        "data_types": ["radar"],
        "laboratories": ["latmos"],
        "references": [
            {
                "kind": "article",
                "authors": "Pierre Lepetit; et al.",
                "title": "Using Deep Learning for Restoration of Precipitation Echoes in Radar Data",
                "venue": "IEEE Transactions on Geoscience and Remote Sensing",
                "year": 2020,
                "note": "under revision",
            }
        ],
    },
    {
        "title": "Analysis of precipitation fields observed by spaceborne remote sensing",
        "summary_fr": (
            "Représentation des champs de précipitation dans un espace latent réduit avec un "
            "auto-encodeur convolutif, pour les caractériser et comparer stations au sol et "
            "observations satellite (IMERG)."
        ),
        "summary_en": (
            "Representing precipitation fields in a reduced latent space with a convolutional "
            "auto-encoder, to characterise them and compare ground stations with satellite "
            "observations (IMERG)."
        ),
        "description_en": (
            "**Objectives:**\n\n"
            "- represent the data in a space of reduced dimension (latent space);\n"
            "- characterise precipitation fields;\n"
            "- compare ground station and satellite (IMERG) observations.\n\n"
            "**Architecture:** convolutional auto-encoder."
        ),
        "year": None,
        "tasks": ["dimension-reduction"],
        "architectures": ["convolutional-auto-encoder"],
        "data_types": ["satellite", "in-situ-stations"],
        "laboratories": ["latmos"],
        "references": [
            {
                "authors": "Laurent Barthes; Cécile Mallet",
                "title": "Analyse de champs de précipitation observés par télédétection spatiale",
            }
        ],
    },
    {
        "title": "LES subgrid modelling using neural networks",
        "summary_fr": (
            "Descente d’échelle : modéliser l’humidité au-dessus de champs irrigués dans le "
            "désert (turbulence atmosphérique) avec un perceptron multicouche, pour étudier "
            "le remplacement de modèles à haute résolution."
        ),
        "summary_en": (
            "Downscaling: modelling humidity above irrigated fields in the desert "
            "(atmospheric turbulence) with a multilayer perceptron, to study replacing "
            "high-resolution models."
        ),
        "description_en": (
            "**Objectives:**\n\n"
            "- model humidity above irrigated fields in the desert (atmospheric turbulence);\n"
            "- study the replacement of high-resolution models.\n\n"
            "**Architecture:** multilayer perceptron."
        ),
        "year": 2020,
        "tasks": ["downscaling"],
        "architectures": ["mlp"],
        "references": [
            {
                "kind": "conference",
                "authors": "Stoffer; et al.",
                "title": "LES subgrid modelling using neural networks",
                "venue": "EGU 2020",
                "year": 2020,
            }
        ],
    },
]

LIST_MODELS = {
    "tasks": Task,
    "architectures": Architecture,
    "data_types": DataType,
    "laboratories": Laboratory,
}


def seed_catalogue():
    """Publish the talk's projects that are not there yet; return how many were added.

    A seeded project already there gets its French summary if it has none.
    """
    # Keyed by slug, which never changes: a coordinator may retitle a seeded project.
    existing = set(Project.objects.values_list("slug", flat=True))
    added = 0
    for entry in SEED_PROJECTS:
        if slug_base(entry["title"]) in existing:
            Project.objects.filter(slug=slug_base(entry["title"]), summary_fr="").update(
                summary_fr=entry["summary_fr"]
            )
            continue
        fields = {
            "title": entry["title"],
            "summary_fr": entry["summary_fr"],
            "summary_en": entry["summary_en"],
            "description_en": entry["description_en"],
            "year": entry["year"],
        }
        for name, model in LIST_MODELS.items():
            fields[name] = list(model.objects.filter(slug__in=entry.get(name, [])))
        project = propose_project(proposer=None, fields=fields, references=entry["references"])
        approve_project(project=project, reviewer=None)
        added += 1
    return added
