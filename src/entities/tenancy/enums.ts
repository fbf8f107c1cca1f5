import { registerEnumType } from 'type-graphql';

export enum Role {
  ADMIN = 'ADMIN',
  MERCHANT_OWNER = 'MERCHANT_OWNER',
  STORE_STAFF = 'STORE_STAFF',
}
registerEnumType(Role, { name: 'Role', description: 'What a user may do across the service' });

export enum StoreRole {
  OWNER = 'OWNER',
  MANAGER = 'MANAGER',
  STAFF = 'STAFF',
}
registerEnumType(StoreRole, { name: 'StoreRole', description: "A team member's role in one store" });
