"""Citizen complaints: tickets, their numbers, photos and audit trail."""
