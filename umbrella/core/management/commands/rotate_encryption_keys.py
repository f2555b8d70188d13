"""Re-encrypt every encrypted column with the current (first) key."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from umbrella.core.crypto import DecryptionFailed, encrypted_fields, rotate

BATCH = 500


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEYS. "
        "Run it after putting a new key first; drop the old keys afterwards."
    )

    def handle(self, *args, **options):
        total = 0
        for model, fields in encrypted_fields():
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            columns = [connection.ops.quote_name(field.column) for field in fields]
            count = 0
            last = None
            while True:
                # Raw SQL: the ciphertext must be rotated as it is, not decrypted
                # into Python values and saved back through the field.
                where = f"WHERE {pk} > %s " if last is not None else ""
                query = (
                    f"SELECT {pk}, {', '.join(columns)} FROM {table} "  # noqa: S608
                    f"{where}ORDER BY {pk} LIMIT {BATCH}"
                )
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(query, [last] if last is not None else [])
                    rows = cursor.fetchall()
                    for row in rows:
                        values = {}
                        for column, token in zip(columns, row[1:], strict=True):
                            if token:
                                try:
                                    values[column] = rotate(token)
                                except DecryptionFailed as exc:
                                    raise CommandError(
                                        f"{model._meta.label} #{row[0]}: {exc} Nothing in this "
                                        "batch was changed; add the missing old key and rerun."
                                    ) from exc
                        if values:
                            assignments = ", ".join(f"{column} = %s" for column in values)
                            cursor.execute(
                                f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                                [*values.values(), row[0]],
                            )
                            count += 1
                if not rows:
                    break
                last = rows[-1][0]
            total += count
            self.stdout.write(f"  {model._meta.label}: {count} rows re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"{total} rows re-encrypted with the current key."))
