"""The complaint form's slots, one module each; actions/laporan_form.py wires them
into rasa-sdk's FormValidationAction."""
