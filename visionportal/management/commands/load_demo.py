from django.conf import settings
from django.core.management.base import BaseCommand

from visionportal.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, load_demo


class Command(BaseCommand):
    help = "Create or refresh the demo municipalities, processes and accounts."

    def handle(self, *args, **options):
        credentials = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        if not settings.DEBUG:
            self.stdout.write("Demo logins are printed only when DEBUG is on.")
            return
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for email, role, municipality in credentials:
            self.stdout.write(f"  {email:<32} {role:<11} {municipality}")
        self.stdout.write(
            "\nStaff, admins and the superuser have two-factor authentication with the demo "
            f"secret {DEMO_TOTP_SECRET}.\nGet the current code with: "
            "python manage.py demo_totp\n"
        )
