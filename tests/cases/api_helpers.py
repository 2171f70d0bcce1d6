from django.test import Client

from govhall.identity.services import token_issue


def client_for(user) -> Client:
    plain, _ = token_issue(user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
