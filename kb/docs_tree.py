"""The documentation tree: sidebar, breadcrumbs and reading order, from one query's rows."""

from dataclasses import dataclass, field

from kb.bilingual import localized


@dataclass
class TreeNode:
    id: int
    path: str
    title: object  # kb.bilingual.Localized
    summary: object = ""
    parent: "TreeNode | None" = None
    children: list = field(default_factory=list)


@dataclass
class DocsTree:
    roots: list
    reading_order: list  # depth-first: the order of "previous / next"
    by_path: dict

    def breadcrumbs(self, path):
        """Ancestors of the page, outermost first (the page itself excluded)."""
        node = self.by_path.get(path)
        trail = []
        while node is not None and node.parent is not None:
            node = node.parent
            trail.append(node)
        return trail[::-1]

    def neighbours(self, path):
        node = self.by_path.get(path)
        if node is None:
            return None, None
        index = self.reading_order.index(node)
        previous = self.reading_order[index - 1] if index > 0 else None
        following = self.reading_order[index + 1] if index + 1 < len(self.reading_order) else None
        return previous, following


def build_tree(pages):
    """``pages``: objects with id, parent_id, path, title and summary in both languages,
    in sibling order. Titles and summaries are in the reader's language when written."""
    nodes = {
        page.id: TreeNode(page.id, page.path, localized(page, "title"), localized(page, "summary"))
        for page in pages
    }
    roots = []
    for page in pages:
        node = nodes[page.id]
        parent = nodes.get(page.parent_id)
        if parent is None:
            roots.append(node)
        else:
            node.parent = parent
            parent.children.append(node)
    order = []

    def walk(siblings):
        for node in siblings:
            order.append(node)
            walk(node.children)

    walk(roots)
    return DocsTree(roots=roots, reading_order=order, by_path={n.path: n for n in order})
