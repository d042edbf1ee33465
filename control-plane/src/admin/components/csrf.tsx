/** @jsxImportSource hono/jsx */

/** Hidden fields of every page form: the CSRF token and which action the post runs. */
export function FormKeys({ csrf, action }: { csrf: string; action: string }) {
  return (
    <>
      <input type="hidden" name="_csrf" value={csrf} />
      <input type="hidden" name="_action" value={action} />
    </>
  );
}
