"""What contributions keep about one person, for the GDPR download (accounts.personal_data)."""

from django.contrib.auth.models import AbstractBaseUser

from .models import Proposal, Report


def contributions_of(user: AbstractBaseUser) -> dict:
    return {
        "proposals": [
            {
                "kind": p.kind,
                "title": p.title,
                "status": p.status,
                "proposed_at": p.created_at.isoformat(),
                "cells": p.cells,
                "explanation": p.explanation,
                "curator_message": p.message,
                "moderated_at": p.moderated_at.isoformat() if p.moderated_at else None,
            }
            for p in Proposal.objects.filter(contributor=user).order_by("created_at", "pk")
        ],
        "reports": [
            {
                "alliance": r.alliance.title,
                "reason": r.reason,
                "message": r.message,
                "reported_at": r.created_at.isoformat(),
                "status": r.status,
            }
            for r in Report.objects.filter(reporter=user)
            .select_related("alliance")
            .order_by("created_at", "pk")
        ],
    }
