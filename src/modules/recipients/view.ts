// Public shapes of recipients and recipient groups, and the TypeBox schemas that serialise them.
import { Type } from '@sinclair/typebox';
import type { GroupRow } from './groups-repository.js';
import type { RecipientRow } from './repository.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Text = Type.String();

export const Source = Type.Union([Type.Literal('manual'), Type.Literal('csv'), Type.Literal('entra')]);

export const GroupRef = Type.Object({ id: Type.String(), name: Type.String() });

export const RecipientSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    firstName: Nullable(Text),
    lastName: Nullable(Text),
    displayName: Nullable(Text),
    department: Nullable(Text),
    jobTitle: Nullable(Text),
    officeLocation: Nullable(Text),
    entraObjectId: Nullable(Text),
    userType: Nullable(Text),
    timeZone: Nullable(Text),
    enabled: Type.Boolean(),
    source: Source,
    groups: Type.Array(GroupRef),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'Recipient' },
);

export const RecipientGroupSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Nullable(Text),
    memberCount: Type.Integer(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'RecipientGroup' },
);

export const recipientView = (r: RecipientRow, groups: { id: string; name: string }[]) => ({
  id: r.id,
  email: r.email,
  firstName: r.first_name,
  lastName: r.last_name,
  displayName: r.display_name,
  department: r.department,
  jobTitle: r.job_title,
  officeLocation: r.office_location,
  entraObjectId: r.entra_object_id,
  userType: r.user_type,
  timeZone: r.time_zone,
  enabled: Number(r.enabled) === 1,
  source: r.source,
  groups,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const groupView = (g: GroupRow, memberCount: number) => ({
  id: g.id,
  name: g.name,
  description: g.description,
  memberCount,
  createdAt: g.created_at,
  updatedAt: g.updated_at,
});
