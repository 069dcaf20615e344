"""GPU board: the public board, the nodes' report API, the coordinators' pages."""

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kb.forms.gpus import ClusterLoginForm, GpuBoardSettingsForm, GpuNodeForm
from kb.gpus.board import build_board
from kb.gpus.load import DAY_FORMAT, heat_map, week_load
from kb.gpus.parsing import ReportError, parse_report
from kb.models import ClusterLogin, GpuBoardSettings, GpuLoadHour, GpuNode, GpuSample
from kb.roles import coordinator_required, is_coordinator
from kb.seed.gpus import refresh_demo_gpu_nodes
from kb.services.gpus import (
    HISTORY,
    HISTORY_BUCKET,
    LOAD_HISTORY,
    ReportTooFrequent,
    authenticate_node,
    ingest_report,
    register_node,
    revoke_token,
    rotate_token,
)

# XML of 8 large GPUs is about 400 KB; CSV of 8 GPUs under 2 KB.
MAX_REPORT_BYTES = 1024 * 1024


def _board_context(request):
    """The board, and who sees what: readers see states only, signed-in people the
    holders' logins and durations (as squeue shows every user), coordinators the idle holds."""
    now = timezone.now()
    if django_settings.DEBUG:
        refresh_demo_gpu_nodes(now)  # seed --demo's nodes, on a development server
    settings = GpuBoardSettings.load()
    board = build_board(
        nodes=GpuNode.objects.for_board(),
        sample_rows=GpuSample.objects.for_sparklines(now - HISTORY),
        thresholds=settings.thresholds(),
        now=now,
        history=HISTORY,
        bucket=HISTORY_BUCKET,
    )
    return {
        "section": "gpus",
        "board": board,
        "now": now,
        "settings": settings,
        "refresh_seconds": django_settings.ESPRI_GPU_BOARD_REFRESH_SECONDS,
        "show_holders": request.user.is_authenticated,
        "is_coordinator": is_coordinator(request.user),
        "layout": "cards" if request.GET.get("view") == "cards" else "table",
    }


@never_cache
def board(request):
    return render(request, "kb/gpus/board.html", _board_context(request))


@never_cache
def board_fragment(request):
    """The board alone, for the page's 30 s refresh."""
    return render(request, "kb/gpus/board.html#board", _board_context(request))


@login_required
def week(request):
    """Taken cards by hour over the last 7 days: members and coordinators."""
    now = timezone.now()
    load = week_load(
        rows=GpuLoadHour.objects.for_heat_map(now - LOAD_HISTORY),
        now=now,
        zone=timezone.get_current_timezone(),
    )
    return render(
        request,
        "kb/gpus/week.html",
        {
            "section": "gpus",
            "load": load,
            "heat_map": heat_map(load),
            "day_format": DAY_FORMAT,
            "hours": [f"{hour:02d}" for hour in range(24)],
        },
    )


@login_required
def cluster_login(request):
    """A member links (or unlinks) their cluster login: the board's only link from a
    holder's login to an account."""
    link = ClusterLogin.objects.filter(user=request.user).first()
    form = ClusterLoginForm(request.POST or None, instance=link)
    if request.method == "POST" and "unlink" in request.POST and link is not None:
        link.delete()
        messages.success(request, _("Your cluster login is no longer linked to your account."))
        return redirect("cluster_login")
    if request.method == "POST" and "unlink" not in request.POST and form.is_valid():
        form.instance.user = request.user
        form.save()
        messages.success(request, _("Your cluster login is linked to your account."))
        return redirect("cluster_login")
    return render(request, "account/cluster_login.html", {"form": form, "link": link})


def _plain(text, status, **headers):
    response = HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


@csrf_exempt
@require_POST
def report(request):
    """A node posts its nvidia-smi output (see kb.gpus.parsing for the body).

    Answers in the language of Accept-Language (unprefixed URLs are otherwise French).
    """
    with translation.override(translation.get_language_from_request(request)):
        return _report(request)


def _report(request):
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    node = authenticate_node(token=token.strip()) if scheme.lower() == "bearer" else None
    if node is None:
        return _plain(
            _("Unknown or revoked token: send “Authorization: Bearer <token>”."),
            401,
            WWW_Authenticate='Bearer realm="gpus"',
        )
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _plain(_("Invalid Content-Length header."), 400)
    too_large = _plain(
        _("The report is larger than %(limit)d bytes.") % {"limit": MAX_REPORT_BYTES}, 413
    )
    if declared > MAX_REPORT_BYTES:
        return too_large
    body = _read_body(request)
    if len(body) > MAX_REPORT_BYTES:
        return too_large
    try:
        parsed = parse_report(body.decode("utf-8", errors="replace"))
    except ReportError as error:
        return _plain(_("Unreadable report: %(reason)s") % {"reason": error}, 400)
    try:
        gpus = ingest_report(node=node, report=parsed)
    except ReportTooFrequent as error:
        return _plain(
            _("Too many reports: wait %(seconds)d seconds between two reports.")
            % {"seconds": error.retry_after},
            429,
            Retry_After=str(error.retry_after),
        )
    return _plain(
        ngettext(
            "Stored %(count)d GPU for %(node)s.", "Stored %(count)d GPUs for %(node)s.", len(gpus)
        )
        % {"count": len(gpus), "node": node.name},
        200,
    )


def _read_body(request):
    """The body, at most one byte over the limit.

    A body sent with ``Transfer-Encoding: chunked`` has no Content-Length, so Django reads
    it as empty; the application server has already decoded the chunks (gunicorn does),
    so read them from its stream until it ends.
    """
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if not chunked or request.META.get("CONTENT_LENGTH"):
        return request.read(MAX_REPORT_BYTES + 1)
    stream, parts, size = request.META["wsgi.input"], [], 0
    while size <= MAX_REPORT_BYTES:
        part = stream.read(min(64 * 1024, MAX_REPORT_BYTES + 1 - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)


@coordinator_required
def nodes(request):
    return render(
        request,
        "kb/gpus/nodes.html",
        {"section": "gpus", "nodes": GpuNode.objects.order_by("name")},
    )


def _token_page(request, node, token):
    response = render(
        request,
        "kb/gpus/token.html",
        {
            "section": "gpus",
            "node": node,
            "token": token,
            "report_url": request.build_absolute_uri(reverse("gpu_report")),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@coordinator_required
def node_add(request):
    form = GpuNodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        node, token = register_node(
            name=form.cleaned_data["name"],
            description_fr=form.cleaned_data["description_fr"],
            description_en=form.cleaned_data["description_en"],
        )
        return _token_page(request, node, token)
    return render(request, "kb/gpus/node_form.html", {"section": "gpus", "form": form})


def _confirm_page(request, node, action):
    """What the action does to the node, and a button that does it (GET asks, POST acts)."""
    return render(
        request, "kb/gpus/node_confirm.html", {"section": "gpus", "node": node, "action": action}
    )


@coordinator_required
def node_rotate(request, name):
    node = get_object_or_404(GpuNode, name=name)
    if request.method == "POST":
        return _token_page(request, node, rotate_token(node=node))
    return _confirm_page(request, node, "rotate")


@coordinator_required
def node_revoke(request, name):
    node = get_object_or_404(GpuNode, name=name)
    if request.method == "POST":
        revoke_token(node=node)
        messages.success(
            request,
            _("The token of %(node)s is revoked: its reports are refused.") % {"node": node},
        )
        return redirect("gpu_nodes")
    return _confirm_page(request, node, "revoke")


@coordinator_required
def node_delete(request, name):
    node = get_object_or_404(GpuNode, name=name)
    if request.method == "POST":
        node.delete()
        messages.success(request, _("%(node)s is removed from the board.") % {"node": node})
        return redirect("gpu_nodes")
    return _confirm_page(request, node, "delete")


@coordinator_required
def board_settings(request):
    form = GpuBoardSettingsForm(request.POST or None, instance=GpuBoardSettings.load())
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The board's thresholds are saved."))
        return redirect("gpu_board")
    return render(request, "kb/gpus/settings.html", {"section": "gpus", "form": form})
