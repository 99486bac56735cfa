"""``rectify verify-log``: checks the security log's SM3 hash chain (DESIGN section 7).

Exits 0 and prints the number of records when the chain is intact; exits 1 and names the first broken
record (or the missing tail) when it is not."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from rectify.security_log.services import verify_chain


class Command(BaseCommand):
    help = "Checks the security log's hash chain; non-zero exit when it is broken."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000, help="records read per query")

    def handle(self, *args, **options) -> None:
        result = verify_chain(batch_size=max(1, options["batch_size"]))
        if result.intact:
            self.stdout.write(f"security log intact: {result.count} records")
            return
        where = f"record #{result.broken.sequence} (id {result.broken.pk})" if result.broken else "the chain's end"
        raise CommandError(
            f"security log broken at {where}: {result.reason}; {result.count} records verified before it"
        )
