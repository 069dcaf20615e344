import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from kb.models import User
from kb.roles import COORDINATORS_GROUP

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    """A member: an account whose email address is verified."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@lab.ipsl.example")
    first_name = "Ada"
    last_name = factory.Sequence(lambda n: f"Member{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class CoordinatorFactory(UserFactory):
    email = factory.Sequence(lambda n: f"coordinator{n}@lab.ipsl.example")

    @factory.post_generation
    def coordinator_group(user, create, extracted, **kwargs):
        if create:
            user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))


def doc_page(path, *, title=None, body="", summary="", position=100, author=None):
    """A documentation page created the way an editor creates one (with its revision)."""
    from kb.models import DocPage
    from kb.services.docs import create_page

    parent_path, _, slug = path.rpartition("/")
    return create_page(
        parent=DocPage.objects.get(path=parent_path) if parent_path else None,
        slug=slug,
        title=title or slug.replace("-", " ").capitalize(),
        summary=summary,
        body=body,
        position=position,
        author=author,
    )
