package config

import (
	"strings"
)

// The customer who signs in with the sales channel (the password grant,
// docs/sources/commercelayer-auth.md#parameters-per-grant). The password
// comes from the environment or a file only, as client secrets do: a flag
// would put it in the process list and in shell history.
const (
	EnvCustomerEmail        = "AUTHCONFORM_CUSTOMER_EMAIL"
	EnvCustomerPassword     = "AUTHCONFORM_CUSTOMER_PASSWORD"
	EnvCustomerPasswordFile = "AUTHCONFORM_CUSTOMER_PASSWORD_FILE"
)

// customerPasswordVars name the variables the password is read from.
var customerPasswordVars = secretVars{inline: EnvCustomerPassword, file: EnvCustomerPasswordFile, what: "the customer's password"}

// customerFromEnv reads the customer: the email as it is (trimmed), the
// password by the rules of a client secret.
func customerFromEnv(getenv func(string) string) (Customer, error) {
	c := Customer{Email: strings.TrimSpace(getenv(EnvCustomerEmail))}
	var err error
	c.Password, c.PasswordFromFile, err = customerPasswordVars.secret(getenv)
	return c, err
}

// customerGap is the gap of a configuration without a whole customer.
func (t Target) customerGap() (Gap, bool) {
	if t.Customer.Email != "" && t.Customer.Password != "" {
		return Gap{}, false
	}
	return Gap{"@customer", "no customer: set " + EnvCustomerEmail + " and " + EnvCustomerPassword + " (or " + EnvCustomerPasswordFile + ") to a customer of the sales channel's organization"}, true
}

// customerSource is the password as a secret source, when there is one.
func (t Target) customerSource() (SecretSource, bool) {
	if t.Customer.Password == "" {
		return SecretSource{}, false
	}
	s := SecretSource{Secret: t.Customer.Password, Var: EnvCustomerPassword}
	if t.Customer.PasswordFromFile {
		s.Var, s.File = EnvCustomerPasswordFile, true
	}
	return s, true
}
