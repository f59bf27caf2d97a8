import { Button, type ButtonProps, type ElementProps, Tooltip, VisuallyHidden } from '@mantine/core';
import { useId } from 'react';

/** Why an archived client's actions cannot be used (the API refuses them with 409 client_archived). */
export const ARCHIVED_REASON = 'This client is archived and read-only: a system administrator can unarchive it.';

type Props = ButtonProps &
  ElementProps<'button', keyof ButtonProps> & {
    /** why the button cannot be used now; null or undefined: it can */
    disabledReason?: string | null | false;
  };

/**
 * A button that says why it cannot be used. A plain disabled button is skipped by the keyboard
 * and silent about its reason; this one stays focusable (aria-disabled, Mantine's data-disabled
 * look), shows the reason as a tooltip on hover and focus, and gives it to screen readers as the
 * button's description. A click does nothing (a submit button does not submit).
 */
export function ExplainedButton({ disabledReason, onClick, ...props }: Props) {
  const id = useId();
  if (!disabledReason) return <Button onClick={onClick} {...props} />;
  return (
    <>
      <Tooltip label={disabledReason} withArrow multiline maw={320} events={{ hover: true, focus: true, touch: true }}>
        <Button
          {...props}
          data-disabled
          aria-disabled="true"
          aria-describedby={id}
          onClick={(event) => event.preventDefault()}
        />
      </Tooltip>
      <VisuallyHidden id={id}>{disabledReason}</VisuallyHidden>
    </>
  );
}
