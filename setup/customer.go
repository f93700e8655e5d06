package setup

import "fmt"

// Customer is a customer of the sales channel's organisation, who signs in
// with the password grant. With both fields set the customer scenarios
// run; without, they are left out. The password is a secret: masked in
// every report, read from a variable in every printed command.
type Customer struct {
	// Email is the customer's email, the password grant's username.
	Email    string
	Password string
	// PasswordFromFile says the password was read from the file
	// AUTHCONFORM_CUSTOMER_PASSWORD_FILE names (TargetFromEnv sets it), so
	// the run's reproduce commands read it from that file too.
	PasswordFromFile bool
}

// String shows the customer without the password.
func (c Customer) String() string {
	password := ""
	if c.Password != "" {
		password = "[REDACTED]"
	}
	return fmt.Sprintf("{Email:%s Password:%s}", c.Email, password)
}

// GoString is String, so %#v hides the password too.
func (c Customer) GoString() string { return c.String() }
