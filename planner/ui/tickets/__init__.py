"""Trade tickets: dialogs that validate as you type and write nothing until Save.

Each field broken by the input is outlined with the reason beside it and in
its tooltip, Save stays disabled, and a use case's own ``InputError`` (a rule
only the store can check) lands on the field it names instead of a traceback.
"""

from planner.ui.tickets.close_roll import CloseTicket, RollTicket
from planner.ui.tickets.condor import CondorTicket
from planner.ui.tickets.layer import LayerTicket
from planner.ui.tickets.market import MarketTicket

__all__ = ["CloseTicket", "CondorTicket", "LayerTicket", "MarketTicket", "RollTicket"]
