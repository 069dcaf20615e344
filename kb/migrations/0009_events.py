# The events tables, and the Coordinators group's permissions on them.

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

import kb.models.events

COORDINATORS_GROUP = "Coordinators"
EVENT_MODELS = ["event", "registration", "material"]


def grant_coordinators(apps, schema_editor):
    # Permissions are normally created after migrate; the group needs them now. The
    # migration state's app config has no models module, which create_permissions checks.
    app_config = apps.get_app_config("kb")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="kb", content_type__model__in=EVENT_MODELS
        )
    )


def revoke_coordinators(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=COORDINATORS_GROUP):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="kb", content_type__model__in=EVENT_MODELS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0008_search_kinds"),
    ]

    operations = [
        migrations.CreateModel(
            name="Event",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("uid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("slug", models.SlugField(max_length=120, unique=True, verbose_name="address")),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("training", "Training"),
                            ("seminar", "Seminar"),
                            ("meetup", "Meetup"),
                            ("workshop", "Workshop"),
                            ("conference", "Conference"),
                            ("hackathon", "Hackathon"),
                            ("announcement", "Announcement"),
                        ],
                        default="training",
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                (
                    "summary",
                    models.CharField(
                        help_text="One or two sentences shown in listings.",
                        max_length=300,
                        verbose_name="summary",
                    ),
                ),
                (
                    "description",
                    models.TextField(
                        blank=True,
                        help_text="Markdown: programme, audience, prerequisites…",
                        verbose_name="description",
                    ),
                ),
                ("description_html", models.TextField(blank=True, editable=False)),
                ("all_day", models.BooleanField(default=False, verbose_name="all day")),
                ("starts_at", models.DateTimeField(db_index=True, verbose_name="starts at")),
                ("ends_at", models.DateTimeField(db_index=True, verbose_name="ends at")),
                ("place", models.CharField(blank=True, max_length=200, verbose_name="place")),
                (
                    "online_url",
                    models.URLField(blank=True, max_length=500, verbose_name="online meeting link"),
                ),
                (
                    "organiser",
                    models.CharField(blank=True, max_length=200, verbose_name="organiser"),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("published", "Published"),
                            ("cancelled", "Cancelled"),
                        ],
                        db_index=True,
                        default="draft",
                        max_length=20,
                        verbose_name="state",
                    ),
                ),
                (
                    "registration_mode",
                    models.CharField(
                        choices=[
                            ("none", "No registration"),
                            ("external", "External registration link"),
                            ("built_in", "Registration on this site"),
                        ],
                        default="none",
                        max_length=20,
                        verbose_name="registration",
                    ),
                ),
                (
                    "registration_url",
                    models.URLField(blank=True, max_length=500, verbose_name="registration link"),
                ),
                (
                    "capacity",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="Leave empty for no limit.",
                        null=True,
                        verbose_name="capacity",
                    ),
                ),
                (
                    "is_example",
                    models.BooleanField(default=False, editable=False, verbose_name="example"),
                ),
                ("sequence", models.PositiveIntegerField(default=0, editable=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("published_at", models.DateTimeField(blank=True, editable=False, null=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "event",
                "verbose_name_plural": "events",
                "ordering": ["starts_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="Material",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(choices=[("link", "Link"), ("file", "File")], max_length=10),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("url", models.URLField(blank=True, max_length=500, verbose_name="link")),
                (
                    "file",
                    models.FileField(
                        blank=True,
                        upload_to=kb.models.events.material_upload_path,
                        verbose_name="file",
                    ),
                ),
                ("original_name", models.CharField(blank=True, max_length=255)),
                ("content_type", models.CharField(blank=True, max_length=100)),
                ("size", models.PositiveBigIntegerField(blank=True, null=True)),
                ("position", models.PositiveIntegerField(default=0)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="materials",
                        to="kb.event",
                    ),
                ),
            ],
            options={
                "verbose_name": "material",
                "verbose_name_plural": "materials",
            },
        ),
        migrations.CreateModel(
            name="Registration",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("confirmed", "Registered"), ("waiting", "Waiting list")],
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="registered at"
                    ),
                ),
                (
                    "promoted_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="promoted at"),
                ),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="registrations",
                        to="kb.event",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="event_registrations",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "registration",
                "verbose_name_plural": "registrations",
            },
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_at__gte", models.F("starts_at"))),
                name="event_ends_after_start",
            ),
        ),
        migrations.AddConstraint(
            model_name="registration",
            constraint=models.UniqueConstraint(
                fields=("event", "user"), name="one_registration_per_person"
            ),
        ),
        migrations.RunPython(grant_coordinators, revoke_coordinators),
    ]
