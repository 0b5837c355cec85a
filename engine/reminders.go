package engine

// checkReminders refuses reminders on a referral form: a referral has no due date to count back from.
func (c *checker) checkReminders() {
	if len(c.form.Reminders) > 0 && c.form.Kind != KindDelegation {
		c.errorf("/reminders", "reminders", "reminders are sent before a delegation's due date: a %s form has none, so remove reminders", c.form.Kind)
	}
}
