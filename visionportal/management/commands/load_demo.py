from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from visionportal.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, load_demo


class Command(BaseCommand):
    help = "Create or refresh the demo municipalities, processes and accounts."

    def handle(self, *args, **options):
        # The demo accounts' password and two-factor secret are public: never in production.
        if not settings.DEBUG:
            raise CommandError("load_demo creates accounts with public passwords; DEBUG only.")
        credentials = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for email, role, municipality in credentials:
            self.stdout.write(f"  {email:<32} {role:<11} {municipality}")
        self.stdout.write(
            "\nStaff, admins and the superuser have two-factor authentication with the demo "
            f"secret {DEMO_TOTP_SECRET}.\nGet the current code with: "
            "python manage.py demo_totp\n"
        )
