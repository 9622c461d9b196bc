"""crm's fee statement events → notify's copy of which sign-offs still pend (CRM-6, NTF-1)."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.notify.statements import repository, rules
from shared.events import Envelope
from shared.events.crm import FeeStatementEvent, FeeStatementSignedOffV1, FeeStatementSubmittedV1
from shared.messaging.subscriptions import Subscriptions

subscriptions = Subscriptions()


@subscriptions.on(FeeStatementSubmittedV1)
@subscriptions.on(FeeStatementSignedOffV1)
async def keep_steps(session: AsyncSession, _: Envelope, state: FeeStatementEvent) -> None:
    known = await repository.get_for_update(session, state.statement_id)
    pending = rules.still_pending(None if known is None else known.pending_steps, state.pending_steps)
    await repository.put(
        session,
        {
            "statement_id": state.statement_id,
            "month": state.month,
            "sales_rep": state.sales_rep,
            "pending_steps": pending,
            "updated_at": state.at,
        },
    )
