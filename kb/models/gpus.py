"""GPU board: the nodes that report, their GPUs as last reported, a 24 h history, a week of
hourly load, thresholds, and the cluster logins members link to their account."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kb.bilingual import Translated
from kb.gpus.state import Thresholds

NODE_NAME_VALIDATOR = RegexValidator(
    r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$",
    _("Use a host name: lower-case letters, digits and hyphens (for example hal3)."),
)


class GpuNodeQuerySet(models.QuerySet):
    def for_board(self):
        """Every node with its GPUs in index order: two queries whatever their number."""
        return self.order_by("name").prefetch_related(
            models.Prefetch("gpus", queryset=Gpu.objects.order_by("index"))
        )

    def with_token_hash(self, token_hash):
        return self.filter(token_hash=token_hash).exclude(token_hash="")


class GpuNode(models.Model):
    name = models.CharField(
        _("name"),
        max_length=63,
        unique=True,
        validators=[NODE_NAME_VALIDATOR],
        help_text=_("The node's host name, as users see it in their prompt."),
    )
    # Shown on the board in the reader's language (kb.bilingual), the other as fallback.
    description_fr = models.CharField(_("description (French)"), max_length=200, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=200, blank=True)
    # SHA-256 of the token, never the token; empty once revoked.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    token_created_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_report_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Created by `seed --demo`: the board labels it as not a real node.
    is_demo = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GpuNodeQuerySet.as_manager()

    description = Translated()

    class Meta:
        verbose_name = _("GPU node")
        verbose_name_plural = _("GPU nodes")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def has_token(self):
        return bool(self.token_hash)


class Gpu(models.Model):
    """One card of a node, as the node's latest report that listed it describes it."""

    node = models.ForeignKey(GpuNode, on_delete=models.CASCADE, related_name="gpus")
    index = models.PositiveSmallIntegerField()
    uuid = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=200, blank=True)
    memory_used_mib = models.PositiveIntegerField(null=True)
    memory_total_mib = models.PositiveIntegerField(null=True)
    utilization_percent = models.PositiveSmallIntegerField(null=True)
    temperature_c = models.PositiveSmallIntegerField(null=True)
    power_draw_w = models.FloatField(null=True)
    # None when the node sent no process list.
    process_count = models.PositiveIntegerField(null=True)
    mig_enabled = models.BooleanField(default=False)
    # [{"index": 0, "profile": "3g.40gb", "memory_used_mib": 11091, "memory_total_mib": 40448}]
    mig_devices = models.JSONField(default=list, blank=True)
    # Cluster logins of whoever holds the card (its processes' owners, or Slurm's jobs),
    # comma-separated; shown to signed-in people only.
    holders = models.CharField(max_length=200, blank=True)
    held_since = models.DateTimeField(null=True, blank=True)
    # Slurm has allocated the card to a job.
    reserved = models.BooleanField(default=False)
    # Held (memory or a Slurm allocation) with utilisation under the threshold since then.
    idle_since = models.DateTimeField(null=True, blank=True)
    # When the holder was emailed about the current idle hold (once per hold).
    idle_notified_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField()

    class Meta:
        verbose_name = _("GPU")
        verbose_name_plural = _("GPUs")
        ordering = ["node", "index"]
        constraints = [
            models.UniqueConstraint(fields=["node", "index"], name="gpu_unique_index_per_node"),
        ]

    def __str__(self):
        return f"{self.node_id}/{self.index}"

    @property
    def memory_percent(self):
        if self.memory_used_mib is None or not self.memory_total_mib:
            return None
        return min(100, round(100 * self.memory_used_mib / self.memory_total_mib))

    @property
    def holder_logins(self):
        return [login for login in self.holders.split(",") if login]


class GpuSampleQuerySet(models.QuerySet):
    def since(self, moment):
        return self.filter(bucket__gte=moment)

    def for_sparklines(self, moment):
        """(gpu id, bucket, memory max, utilisation sum, utilisation count): one query."""
        return self.since(moment).values_list(
            "gpu_id", "bucket", "memory_used_max_mib", "utilization_sum", "utilization_count"
        )


class GpuSample(models.Model):
    """One GPU over one history bucket (a few minutes): peak memory, summed utilisation.

    Reports land in their bucket's row, so the history holds a fixed number of rows
    per GPU (24 h / bucket), whatever the reporting rate.
    """

    gpu = models.ForeignKey(Gpu, on_delete=models.CASCADE, related_name="samples")
    bucket = models.DateTimeField(db_index=True)
    memory_used_max_mib = models.PositiveIntegerField(null=True)
    utilization_sum = models.PositiveIntegerField(default=0)
    utilization_count = models.PositiveIntegerField(default=0)

    objects = GpuSampleQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["gpu", "bucket"], name="gpusample_one_per_bucket"),
        ]

    def __str__(self):
        return f"{self.gpu_id}@{self.bucket:%Y-%m-%d %H:%M}"


class GpuLoadHourQuerySet(models.QuerySet):
    def for_heat_map(self, moment):
        """(hour, taken cards and cards summed over reports, reports) per node and hour: one query."""
        return (
            self.filter(hour__gte=moment)
            .order_by("hour")
            .values_list("hour", "busy_sum", "gpu_sum", "report_count")
        )


class GpuLoadHour(models.Model):
    """One node over one hour: how many of its cards were taken, summed over its reports.

    busy_sum / report_count is the mean number of taken cards; summed over nodes, the
    cluster's. A week of hours per node, pruned like the 24 h history.
    """

    node = models.ForeignKey(GpuNode, on_delete=models.CASCADE, related_name="load_hours")
    hour = models.DateTimeField(db_index=True)
    busy_sum = models.PositiveIntegerField(default=0)
    gpu_sum = models.PositiveIntegerField(default=0)
    report_count = models.PositiveIntegerField(default=0)

    objects = GpuLoadHourQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["node", "hour"], name="gpuloadhour_one_per_hour"),
        ]

    def __str__(self):
        return f"{self.node_id}@{self.hour:%Y-%m-%d %H:00}"


class ClusterLogin(models.Model):
    """A member's login on the cluster, linked by the member: the only way the board
    ties a card's holder to a site account (never guessed from email addresses)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cluster_login"
    )
    login = models.CharField(
        _("cluster login"),
        max_length=32,
        unique=True,
        validators=[
            RegexValidator(
                r"^[a-z_][a-z0-9_.-]{0,31}$",
                _("A cluster login: lower-case letters, digits, “_”, “.” and “-”."),
            )
        ],
        help_text=_("The user name you sign in with on the cluster (what `whoami` prints there)."),
    )

    class Meta:
        verbose_name = _("cluster login")
        verbose_name_plural = _("cluster logins")

    def __str__(self):
        return self.login


class GpuBoardSettings(models.Model):
    """The board's thresholds: one row, edited by coordinators."""

    free_memory_below_mib = models.PositiveIntegerField(
        _("free when memory used is below (MiB)"),
        default=Thresholds.free_memory_below_mib,
        validators=[MinValueValidator(1)],
        help_text=_("A card using less memory than this counts as free (if idle enough)."),
    )
    free_utilization_below_percent = models.PositiveSmallIntegerField(
        _("free when utilisation is below (%)"),
        default=Thresholds.free_utilization_below_percent,
        validators=[MinValueValidator(1), MaxValueValidator(101)],
        help_text=_("101 ignores utilisation."),
    )
    report_interval_seconds = models.PositiveIntegerField(
        _("expected seconds between reports"),
        default=Thresholds.report_interval_seconds,
        validators=[MinValueValidator(10), MaxValueValidator(3600)],
        help_text=_("How often the nodes' timer sends a report."),
    )
    missed_reports_before_unknown = models.PositiveSmallIntegerField(
        _("missed reports before “unknown”"),
        default=Thresholds.missed_reports_before_unknown,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("After this many missed reports, a node's GPUs show as unknown."),
    )
    idle_after_minutes = models.PositiveIntegerField(
        _("idle hold after (minutes)"),
        default=Thresholds.idle_after_minutes,
        validators=[MinValueValidator(5), MaxValueValidator(7 * 24 * 60)],
        help_text=_(
            "A card held (memory or a Slurm job) with utilisation under the threshold "
            "for this long is flagged as an idle hold."
        ),
    )
    email_idle_holders = models.BooleanField(
        _("email the holder of an idle hold"),
        default=False,
        help_text=_(
            "Once per hold, to holders who linked their cluster login to their account: "
            "the card, how long, and the good-practice page."
        ),
    )

    class Meta:
        verbose_name = _("GPU board settings")
        verbose_name_plural = _("GPU board settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="gpuboardsettings_single_row"),
        ]

    def __str__(self):
        return str(_("GPU board settings"))

    @classmethod
    def load(cls):
        """The row, or the defaults when nobody has saved any (one query, no write)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def thresholds(self):
        return Thresholds(
            free_memory_below_mib=self.free_memory_below_mib,
            free_utilization_below_percent=self.free_utilization_below_percent,
            report_interval_seconds=self.report_interval_seconds,
            missed_reports_before_unknown=self.missed_reports_before_unknown,
            idle_after_minutes=self.idle_after_minutes,
        )
