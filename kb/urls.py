from django.urls import include, path

from kb.views import account, gpus, home, search

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/mine/", account.my_space, name="my_space"),
    path("accounts/delete/", account.account_delete, name="account_delete"),
    path("accounts/cluster-login/", gpus.cluster_login, name="cluster_login"),
    path("docs/", include("kb.urls_docs")),
    path("search/", search.site_search, name="search"),
    path("gpus/", gpus.board, name="gpu_board"),
    path("gpus/fragment/", gpus.board_fragment, name="gpu_board_fragment"),
    path("gpus/nodes/", gpus.nodes, name="gpu_nodes"),
    path("gpus/nodes/add/", gpus.node_add, name="gpu_node_add"),
    path("gpus/nodes/<slug:name>/rotate/", gpus.node_rotate, name="gpu_node_rotate"),
    path("gpus/nodes/<slug:name>/revoke/", gpus.node_revoke, name="gpu_node_revoke"),
    path("gpus/nodes/<slug:name>/delete/", gpus.node_delete, name="gpu_node_delete"),
    path("gpus/settings/", gpus.board_settings, name="gpu_settings"),
    path("gpus/week/", gpus.week, name="gpu_week"),
    path("projects/", include("kb.urls_catalogue")),
    path("events/", include("kb.urls_events")),
]
