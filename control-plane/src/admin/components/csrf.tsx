/** @jsxImportSource hono/jsx */

/**
 * Hidden fields of every page form: the CSRF token and which action the post runs. Without
 * `action`, the form's submit buttons name it (`name="_action" value="…"`), one per action.
 */
export function FormKeys({ csrf, action }: { csrf: string; action?: string }) {
  return (
    <>
      <input type="hidden" name="_csrf" value={csrf} />
      {action && <input type="hidden" name="_action" value={action} />}
    </>
  );
}
