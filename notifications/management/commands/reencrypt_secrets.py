"""``manage.py reencrypt_secrets``: every encrypted secret written again with FIELD_ENCRYPTION_KEY.

The step of a key rotation between setting the new key (the old one moved to
FIELD_ENCRYPTION_KEY_FALLBACKS) and removing the old key: afterwards no stored value needs the
old key. Each value is read (any configured key opens it) and written back encrypted with the
current key, one model at a time in one transaction; running it twice does no harm.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from aftersales.encryption import EncryptedSecretField


class Command(BaseCommand):
    help = "Re-encrypt every stored secret with FIELD_ENCRYPTION_KEY (after rotating the key)."

    def handle(self, *args, **options) -> None:
        for model in apps.get_models():
            names = [field.name for field in model._meta.concrete_fields if isinstance(field, EncryptedSecretField)]
            if not names:
                continue
            with transaction.atomic():
                rows = model._base_manager.select_for_update().values_list("pk", *names)
                for pk, *values in rows:
                    # update() encrypts again, with the current key (get_prep_value); nothing to do for blanks.
                    present = {name: value for name, value in zip(names, values, strict=True) if value}
                    if present:
                        model._base_manager.filter(pk=pk).update(**present)
                count = len(rows)
            self.stdout.write(f"{model._meta.label}: {count} re-encrypted ({', '.join(names)})")
