"""Accounts: sign up, log in (rate-limited), log out, passwords, data export and account deletion."""
