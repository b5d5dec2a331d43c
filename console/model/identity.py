"""Who is using the console, which decides what they may see and change."""

from __future__ import annotations

from dataclasses import dataclass

# Re-exported (`X as X`, which strict mypy reads as deliberate): older imports name them here.
from console.model.enums import Role as Role


@dataclass(frozen=True, slots=True)
class Identity:
    """The signed-in user: admins see everything, researchers see their projects only."""

    user: str
    role: Role
    project_names: tuple[str, ...] = ()

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN
