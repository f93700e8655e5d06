"""The wiring `make interop` runs to serve the token endpoint of
django-oauth-toolkit (Debian's python3-django-oauth-toolkit, on oauthlib and
Django) for authconform's interop run. The harness (internal/interop)
writes this file into its cache and runs it with Debian's /usr/bin/python3,
whose path holds the packages.

    /usr/bin/python3 server.py 127.0.0.1:PORT DATABASE

The two clients, their scopes and the token lifetime come from the
environment (INTEROP_*), never the command line. Every answer is the
toolkit's: its oauth2_provider.urls (TokenView over oauthlib's
client_credentials grant) at /o/, served by Django's own development
server. This file holds only settings and data:
  - OAUTH2_PROVIDER: SCOPES from INTEROP_SCOPES, ACCESS_TOKEN_EXPIRE_SECONDS
    from INTEROP_TOKEN_LIFETIME, DEFAULT_SCOPES left at the toolkit's
    default (every scope: a request without scope gets them all);
  - a fresh SQLite DATABASE (the harness makes a new one each run), migrated,
    with one confidential client_credentials Application per client.
The toolkit has no per-client authentication method: any confidential
client may use HTTP Basic or the body. Django's request log is off: a
request URL can carry a secret (the suite sends one in a query string).
"""
import os
import secrets
import sys

import django
from django.conf import settings


def scopes_from_env():
    names = os.environ.get("INTEROP_SCOPES", "").split()
    return {name: name for name in names}


def configure(database):
    settings.configure(
        DEBUG=False,
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS=["127.0.0.1"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "oauth2_provider"],
        MIDDLEWARE=[],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": database}},
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        USE_TZ=True,
        LOGGING={
            "version": 1,
            "disable_existing_loggers": False,
            "loggers": {"django.server": {"handlers": [], "level": "CRITICAL", "propagate": False}},
        },
        OAUTH2_PROVIDER={
            "SCOPES": scopes_from_env(),
            "ACCESS_TOKEN_EXPIRE_SECONDS": int(os.environ["INTEROP_TOKEN_LIFETIME"]),
        },
    )
    django.setup()


def add_clients():
    from oauth2_provider.models import Application

    for who in ("POST", "BASIC"):
        client_id = os.environ["INTEROP_%s_CLIENT_ID" % who]
        Application.objects.create(
            name="authconform %s client" % who.lower(),
            client_id=client_id,
            client_secret=os.environ["INTEROP_%s_CLIENT_SECRET" % who],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        )


def main():
    if len(sys.argv) != 3 or not sys.argv[1].startswith("127.0.0.1:"):
        sys.exit("usage: server.py 127.0.0.1:PORT DATABASE (clients in INTEROP_* variables)")
    configure(sys.argv[2])
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    add_clients()
    serve_toolkit_urls()
    import oauth2_provider

    print("django-oauth-toolkit %s token endpoint on http://%s/o/token/" % (oauth2_provider.__version__, sys.argv[1]), flush=True)
    call_command("runserver", sys.argv[1], use_reloader=False, use_threading=True)


def serve_toolkit_urls():
    """Makes this module (ROOT_URLCONF) route /o/ to the toolkit's URLs:
    set once the apps are ready, because including them imports its views."""
    from django.urls import include, path

    globals()["urlpatterns"] = [path("o/", include("oauth2_provider.urls"))]


if __name__ == "__main__":
    main()
