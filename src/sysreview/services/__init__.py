"""Use cases over the stages and the store.

Each service function loads what it needs through its review, checks permission, calls the
stage, saves, and writes the audit entry, all in one transaction.
"""
