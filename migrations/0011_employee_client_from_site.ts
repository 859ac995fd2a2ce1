/**
 * The old platform inserts employees with `site_id` and no `client_id` (its employees table has
 * no such column, peer-schema.md §11); Confetti's `client_id not null` refused those inserts, so
 * the old platform could not keep running on the same database. A trigger now fills `client_id`
 * from the employee's site (by its id or legacy id, in the row's environment) when an insert or a
 * site change leaves it null. Replaced: nothing; added: the trigger `employees_client_from_site`.
 * An employee whose site is not in this database is still refused, with the site named.
 */
import { runStatements } from "./Statements.js"

export const statements = [
  `create function employees_client_from_site() returns trigger language plpgsql as $$
  begin
    if new.client_id is null and new.site_id is not null then
      select s.client_id into new.client_id from sites s
        where s.environment = new.environment and (s.id::text = new.site_id or s.legacy_id = new.site_id)
        limit 1;
      if new.client_id is null then
        raise exception 'employees.client_id: no client given, and site % is not in this database', new.site_id
          using errcode = 'not_null_violation', column = 'client_id', table = 'employees';
      end if;
    end if;
    return new;
  end
  $$`,
  `create trigger employees_client_from_site before insert or update of site_id, client_id on employees
    for each row execute function employees_client_from_site()`
]

export default runStatements(statements)
