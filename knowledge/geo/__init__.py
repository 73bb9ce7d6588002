"""Offline geography: is a map pin inside Lampung province?"""
