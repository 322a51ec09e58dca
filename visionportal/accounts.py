from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Residents never need an account, and staff accounts are created by administrators,
    so nobody can sign up on their own."""

    def is_open_for_signup(self, request):
        return False
